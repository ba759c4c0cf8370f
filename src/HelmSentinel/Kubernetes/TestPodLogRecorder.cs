using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Records the logs of <c>helm test</c>'s pods beside helm: lists then watches the namespace's pods and, for each test
/// pod (annotation <c>helm.sh/hook</c> naming <c>test</c>, or a pod of a Job that does), follows its log from the moment
/// its container runs (<c>follow=true</c>: the stream ends when the container does), so that the last lines are kept
/// even when Helm's <c>hook-delete-policy</c> deletes the pod at once (Helm 3.17 does, before its own <c>--logs</c> can
/// read it). When no follower got the whole run, the log is read once more when the pod ends. Start it before
/// <c>helm test</c> and stop it after; errors talking to the cluster are collected in <see cref="Warnings"/>, never thrown.
/// </summary>
public sealed class TestPodLogRecorder : IAsyncDisposable
{
    private const string HookAnnotation = "helm.sh/hook";
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly IKubernetes _client;
    private readonly bool _ownsClient;
    private readonly TestPodLogOptions _options;
    private readonly Informer<V1Pod> _informer;
    private readonly Channel<(WatchEventType Type, V1Pod Pod)> _seen = Channel.CreateUnbounded<(WatchEventType, V1Pod)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly ConcurrentQueue<TestPodLog> _logs = new();
    private readonly Dictionary<string, Task<Followed>> _followers = new(StringComparer.Ordinal); // by pod uid
    private readonly CancellationTokenSource _stopFollowing = new();
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal); // pod uids
    private readonly Dictionary<string, bool> _testJobs = new(StringComparer.Ordinal); // job uid -> is a test hook
    private Task _watching = Task.CompletedTask;
    private Task _reading = Task.CompletedTask;
    private int _connectionWarned;
    private int _stopped;

    private TestPodLogRecorder(IKubernetes client, bool ownsClient, TestPodLogOptions options)
    {
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        var ns = options.Namespace;
        _informer = Informer<V1Pod>.Create(
            async ct =>
            {
                var list = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
                foreach (var pod in list.Items)
                {
                    _seen.Writer.TryWrite((WatchEventType.Added, pod));
                }

                return list;
            },
            (rv, ct) => Observe(client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: rv, cancellationToken: ct), ct),
            options.Time,
            options.ReconnectDelay,
            static () => { },
            e =>
            {
                if (Interlocked.Exchange(ref _connectionWarned, 1) == 0)
                {
                    Warn($"the test pod log recorder lost the cluster API (Pods in {ns}): {options.Mask(e.Message)}; it keeps retrying, test logs may be missing");
                }
            });
    }

    /// <summary>The test pods that ended so far, in the order they ended, with their last log lines.</summary>
    public IReadOnlyList<TestPodLog> Logs => [.. _logs];

    /// <summary>Problems talking to the cluster (the recorder kept trying; some logs may be missing).</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>Starts watching the namespace's pods with a client built from the kubeconfig, and waits (at most
    /// <paramref name="syncTimeout"/>, default 10 s) until the first list is in, so that no test pod is missed.</summary>
    /// <param name="options">The namespace, the kubeconfig and how much to keep.</param>
    /// <param name="syncTimeout">How long to wait for the first list; past it the recorder runs on and says so in <see cref="Warnings"/>.</param>
    /// <param name="cancellationToken">Cancels the start; the recorder is then stopped and the cancellation thrown.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static Task<TestPodLogRecorder> StartAsync(TestPodLogOptions options, TimeSpan? syncTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new k8s.Kubernetes(KubeconfigLoader.ClientConfiguration(options.Kubeconfig, options.KubeContext));
        return StartAsync(client, ownsClient: true, options, syncTimeout, cancellationToken);
    }

    /// <summary>Starts over a given client (not disposed by the recorder unless <paramref name="ownsClient"/>).</summary>
    internal static async Task<TestPodLogRecorder> StartAsync(
        IKubernetes client, bool ownsClient, TestPodLogOptions options, TimeSpan? syncTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LogLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineLength, 1);
        var recorder = new TestPodLogRecorder(client, ownsClient, options);
        recorder._watching = Task.Run(() => recorder._informer.RunAsync(recorder._stop.Token), CancellationToken.None);
        recorder._reading = Task.Run(recorder.ReadLoopAsync, CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(syncTimeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await recorder._informer.Synced.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            recorder.Warn("the test pod log recorder could not list the namespace in time; test logs may be missing");
        }
        catch (OperationCanceledException)
        {
            await recorder.DisposeAsync();
            throw;
        }

        return recorder;
    }

    /// <summary>Closes the watch, reads what the last events asked for (pods that ended just before), and returns
    /// every recorded log. The client is disposed when the recorder built it.</summary>
    public async Task<IReadOnlyList<TestPodLog>> StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stop.CancelAsync();
            await _watching;
            _seen.Writer.TryComplete();
            await _reading;
            await _stopFollowing.CancelAsync();
            await Task.WhenAll(_followers.Values);
            if (_ownsClient)
            {
                _client.Dispose();
            }

            _stop.Dispose();
            _stopFollowing.Dispose();
        }

        return Logs;
    }

    /// <summary>Stops the recorder (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>True when the pod is a test hook itself: its <c>helm.sh/hook</c> annotation names <c>test</c> (or
    /// Helm 2's <c>test-success</c>/<c>test-failure</c>, which Helm 3 still runs).</summary>
    internal static bool IsTestHook(IDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(HookAnnotation, out var hooks) &&
        hooks.Split(',', StringSplitOptions.TrimEntries).Any(h => h is "test" or "test-success" or "test-failure");

    /// <summary>The line kept for a log line: masked, then cut to <paramref name="max"/> characters.</summary>
    internal static string Bound(string line, int max, Func<string, string> mask)
    {
        var masked = mask(line.TrimEnd('\r'));
        return masked.Length <= max ? masked : masked[..max] + "…";
    }

    private async IAsyncEnumerable<(WatchEventType, V1Pod)> Observe(
        IAsyncEnumerable<(WatchEventType, V1Pod)> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (type, pod) in events.WithCancellation(ct))
        {
            if (pod?.Metadata?.Uid is not null && type is not WatchEventType.Error and not WatchEventType.Bookmark)
            {
                _seen.Writer.TryWrite((type, pod));
            }

            yield return (type, pod!);
        }
    }

    private async Task ReadLoopAsync()
    {
        await foreach (var (type, pod) in _seen.Reader.ReadAllAsync())
        {
            try
            {
                await ObserveAsync(type, pod);
            }
            catch (Exception e)
            {
                Warn($"the test pod log recorder could not read pod {pod.Metadata.Name}: {_options.Mask(e.Message)}");
            }
        }
    }

    private async Task ObserveAsync(WatchEventType type, V1Pod pod)
    {
        var uid = pod.Metadata.Uid;
        if (_recorded.Contains(uid))
        {
            return;
        }

        var job = await TestJobOf(pod);
        if (job is null && !IsTestHook(pod.Metadata.Annotations))
        {
            return;
        }

        var ended = pod.Status?.Phase is "Succeeded" or "Failed";
        var container = ContainerOf(pod);
        if (container is null)
        {
            return; // not started: nothing to read yet
        }

        if (!ended)
        {
            if (type is not WatchEventType.Deleted && container.State?.Running is not null && !_followers.ContainsKey(uid))
            {
                _followers[uid] = Task.Run(() => FollowAsync(pod.Metadata.Name, container.Name, _stopFollowing.Token), CancellationToken.None);
            }

            return;
        }

        var exitCode = container.State?.Terminated?.ExitCode;
        _recorded.Add(uid);
        Followed? followed = null;
        if (_followers.TryGetValue(uid, out var follower))
        {
            // The container has ended, so its stream ends too; a stream that hangs is given up after the read timeout.
            followed = await follower.WaitAsync(ReadTimeout).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
            followed = followed?.Container == container.Name ? followed : null;
        }

        var lines = followed is { Whole: true } ? followed.Lines
            : type is WatchEventType.Deleted ? null
            : await ReadAsync(pod, container.Name);
        _logs.Enqueue(new TestPodLog(pod.Metadata.Name, job, container.Name, pod.Status!.Phase, exitCode, lines ?? followed?.Lines ?? [], Complete: lines is not null));
    }

    /// <summary>
    /// Follows a running container's log until the stream ends (the container ended, or the pod went) and keeps its last
    /// lines, bounded and masked. <see cref="Followed.Whole"/> is true when the stream ended by itself, false when it broke.
    /// </summary>
    private async Task<Followed> FollowAsync(string pod, string container, CancellationToken stop)
    {
        var kept = new Queue<string>();
        try
        {
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(
                pod, _options.Namespace, container: container, follow: true, tailLines: _options.LogLines, cancellationToken: stop);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                kept.Enqueue(Bound(line, _options.MaxLineLength, _options.Mask));
                if (kept.Count > _options.LogLines)
                {
                    kept.Dequeue();
                }
            }

            return new Followed(container, [.. kept], Whole: true);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            return new Followed(container, [.. kept], Whole: false);
        }
    }

    /// <summary>The container whose log tells most: the first that ended with a non-zero code, else the first that started.</summary>
    private static V1ContainerStatus? ContainerOf(V1Pod pod)
    {
        var statuses = pod.Status?.ContainerStatuses ?? [];
        return statuses.FirstOrDefault(s => s.State?.Terminated is { ExitCode: not 0 })
               ?? statuses.FirstOrDefault(s => s.State?.Running is not null || s.State?.Terminated is not null);
    }

    /// <summary>The name of the test-hook Job that owns the pod; null when no Job owns it or its Job is no test hook.</summary>
    private async Task<string?> TestJobOf(V1Pod pod)
    {
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "Job");
        if (owner is null)
        {
            return null;
        }

        if (!_testJobs.TryGetValue(owner.Uid, out var isTest))
        {
            try
            {
                using var timeout = new CancellationTokenSource(ReadTimeout);
                var job = await _client.BatchV1.ReadNamespacedJobAsync(owner.Name, _options.Namespace, cancellationToken: timeout.Token);
                isTest = job.Metadata.Uid == owner.Uid && IsTestHook(job.Metadata.Annotations);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null; // gone already: its pods go with it (asked again if one is seen later)
            }

            _testJobs[owner.Uid] = isTest;
        }

        return isTest ? owner.Name : null;
    }

    /// <summary>The pod's last log lines, bounded and masked; null when the pod or its log is gone.</summary>
    private async Task<IReadOnlyList<string>?> ReadAsync(V1Pod pod, string container)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, _options.Namespace, container: container, tailLines: _options.LogLines, cancellationToken: timeout.Token);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(timeout.Token);
            return [.. text.Split('\n').Where(l => l.Length > 0).TakeLast(_options.LogLines).Select(l => Bound(l, _options.MaxLineLength, _options.Mask))];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.BadRequest)
        {
            return null;
        }
    }

    private void Warn(string text) => _warnings.Enqueue(text);

    /// <summary>What a follower read: the container, its last lines, and whether the stream ended by itself.</summary>
    private sealed record Followed(string Container, IReadOnlyList<string> Lines, bool Whole);
}
