using System.Collections.Concurrent;
using System.Threading.Channels;
using k8s;
using k8s.KubeConfigModels;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>What the watcher looks at and how it reports.</summary>
public sealed record RolloutWatcherOptions
{
    /// <summary>The Helm release whose workloads are watched.</summary>
    public required string Release { get; init; }

    /// <summary>The release namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Path of the kubeconfig; null = the client's default loading (<c>KUBECONFIG</c>, <c>~/.kube/config</c>, in-cluster).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context; null = the current one.</summary>
    public string? KubeContext { get; init; }

    /// <summary>Thresholds of the fail-fast rules.</summary>
    public FailFastOptions Rules { get; init; } = new();

    /// <summary>Masks secrets in log lines, messages and events (pass <c>SecretMasker.Mask</c>).</summary>
    public Func<string, string> Mask { get; init; } = static s => s;

    /// <summary>The clock (unschedulable grace, reconnect delays).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Pause before a watch is opened again after an error.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many trailing log lines each failing pod keeps.</summary>
    public int LogLines { get; init; } = 20;

    /// <summary>How many recent Warning events each failing pod keeps.</summary>
    public int Events { get; init; } = 5;
}

/// <summary>
/// Watches a release's rollout beside <c>helm upgrade</c>: lists then watches (from the list's
/// resourceVersion, reconnecting until disposed) the namespace's Deployments, ReplicaSets, StatefulSets,
/// DaemonSets, Jobs and Pods; finds the release's workloads by Helm's ownership annotations, follows them
/// to the pods of their NEW template, and completes <see cref="Fatal"/> as soon as one of those pods (or
/// a workload) reaches a state <see cref="FailFastRules"/> calls fatal. Pods that existed before helm started
/// never count (see <see cref="UpgradeStarted"/>): the healthy old revision cannot trigger it. Errors talking to the cluster are
/// collected in <see cref="Warnings"/>, never thrown.
/// </summary>
public sealed class RolloutWatcher : IAsyncDisposable
{
    private const string ReleaseNameAnnotation = "meta.helm.sh/release-name";
    private const string ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string HookAnnotation = "helm.sh/hook";

    private readonly RolloutWatcherOptions _options;
    private readonly IKubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<RolloutDiagnosis> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly List<Task> _tasks = [];
    private readonly List<Task> _synced = [];

    private readonly Cache<V1Pod> _pods = new();
    private readonly Cache<V1Deployment> _deployments = new();
    private readonly Cache<V1ReplicaSet> _replicaSets = new();
    private readonly Cache<V1StatefulSet> _statefulSets = new();
    private readonly Cache<V1DaemonSet> _daemonSets = new();
    private readonly Cache<V1Job> _jobs = new();

    // Pods of the new template ever seen, by uid, with their latest state: the post-mortem still knows
    // them after Helm's own rollback deleted them.
    private readonly ConcurrentDictionary<string, Candidate> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unschedulableSince = new(StringComparer.Ordinal);
    private int _connectionWarned;
    private long _upgradeStartedTicks;
    private int _disposed;

    private RolloutWatcher(RolloutWatcherOptions options, IKubernetes client)
    {
        _options = options;
        _client = client;
    }

    /// <summary>Completes with the diagnosis when a fatal state is seen; cancelled when the watcher is disposed first.</summary>
    public Task<RolloutDiagnosis> Fatal => _fatal.Task;

    /// <summary>Problems talking to the cluster (the watcher kept trying; fail-fast may have been blind meanwhile).</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>True once every list+watch loop and the evaluator have ended (after <see cref="DisposeAsync"/>).</summary>
    internal bool Stopped => _tasks.TrueForAll(t => t.IsCompleted);

    /// <summary>Starts watching and waits (at most <paramref name="syncTimeout"/>) until the first list of every
    /// kind is in, so that pods created by the upgrade are told apart from the old ones.</summary>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static async Task<RolloutWatcher> StartAsync(RolloutWatcherOptions options, TimeSpan? syncTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watcher = new RolloutWatcher(options, new k8s.Kubernetes(ClientConfiguration(options)));
        watcher.Run();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(syncTimeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await Task.WhenAll(watcher._synced).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            watcher.Warn("the rollout watcher could not list the namespace in time; fail-fast starts late or not at all");
        }
        catch (OperationCanceledException)
        {
            await watcher.DisposeAsync(); // not needed any more: stop its loops before giving up
            throw;
        }

        return watcher;
    }

    /// <summary>Tells the watcher when helm was started. The upgrade does not wait for the watcher's first lists
    /// (they cost up to a second on a cold start); objects those lists return that were created since
    /// <paramref name="at"/> (less <see cref="ClockMargin"/>: creation times are whole seconds on the server's
    /// clock) are the upgrade's, not the old revision's.</summary>
    public void UpgradeStarted(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _upgradeStartedTicks, (at - ClockMargin).UtcTicks);
        Changed();
    }

    /// <summary>How much earlier than helm's start an object may have been created and still count as the upgrade's.</summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(2);

    private bool Preexisting<T>(Cache<T> cache, V1ObjectMeta metadata)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (!cache.IsInitial(metadata.Uid))
        {
            return false;
        }

        var since = Interlocked.Read(ref _upgradeStartedTicks);
        return since == 0 || metadata.CreationTimestamp is not { } created || DateTime.SpecifyKind(created, DateTimeKind.Utc).Ticks < since;
    }

    /// <summary>The client configuration for the request's kubeconfig and context, as helm and kubectl read them.</summary>
    internal static KubernetesClientConfiguration ClientConfiguration(RolloutWatcherOptions options)
    {
        if (options.Kubeconfig is null && options.KubeContext is null)
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }

        var file = LoadKubeconfig(options.Kubeconfig ?? KubernetesClientConfiguration.KubeConfigDefaultLocation);
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(file, options.KubeContext);
        }
        catch (k8s.Exceptions.KubeConfigException e) when (e.Message.Contains("auth credentials", StringComparison.Ordinal))
        {
            // A user entry without credentials (`user: {}`, e.g. behind an authenticating proxy) is fine for
            // helm and kubectl; the .NET client refuses it. Connect without credentials, as they do.
            var name = options.KubeContext ?? file.CurrentContext;
            foreach (var context in file.Contexts ?? [])
            {
                if (context.Name == name && context.ContextDetails is { } details)
                {
                    details.User = null;
                }
            }

            return KubernetesClientConfiguration.BuildConfigFromConfigObject(file, name);
        }
    }

    /// <summary>Reads a kubeconfig (YAML or JSON) into the client's model with a plain YamlDotNet deserializer. The
    /// client's own loader goes through its model-type registry, whose reflection over every Kubernetes type costs
    /// about half a second on each start; the kubeconfig model needs none of it.</summary>
    internal static K8SConfiguration LoadKubeconfig(string path)
    {
        var deserializer = new YamlDotNet.Serialization.DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        using var reader = new StreamReader(path);
        var config = deserializer.Deserialize<K8SConfiguration?>(reader) ??
                     throw new k8s.Exceptions.KubeConfigException($"kubeconfig '{path}' is empty");
        config.FileName = Path.GetFullPath(path); // relative certificate paths resolve against it, as kubectl does
        return config;
    }

    /// <summary>The same post-mortem as <see cref="Fatal"/> (with <c>Fatal = false</c>), taken now: for when
    /// Helm failed by itself. Never throws for cluster errors; returns null when there is nothing to say.</summary>
    public async Task<RolloutDiagnosis?> DiagnoseAsync(CancellationToken cancellationToken = default)
    {
        Evaluate();
        var failing = _seen.Values
            .Where(c => !IsReady(c.Pod))
            .Select(c => (c.Pod, c.Workload, State: FailFastRules.Pod(c.Pod, _options.Rules, _options.Time.GetUtcNow(), DateTimeOffset.MinValue) ?? CurrentState(c.Pod)))
            .OrderBy(f => f.State.Reason == "NotReady" ? 1 : 0)
            .ToList();
        var workloads = ReleaseWorkloads().Select(w => (w.Name, Fatal: w.Fatal)).Where(w => w.Fatal is not null).ToList();
        if (failing.Count == 0 && workloads.Count == 0 && NotReady().Count == 0)
        {
            return null;
        }

        return await BuildAsync(failing, workloads.Count > 0 ? (workloads[0].Name, workloads[0].Fatal!) : null, fatal: false, cancellationToken);
    }

    /// <summary>Stops every watch and the evaluator and waits for them; the client is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_tasks);
        }
        catch (OperationCanceledException)
        {
            // Expected: every loop ends by cancellation.
        }

        _fatal.TrySetCanceled();
        _client.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        var ns = _options.Namespace;
        var ct = _stop.Token;
        Start(_pods, c => _client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: c), (rv, c) => _client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        Start(_deployments, c => _client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: c), (rv, c) => _client.AppsV1.WatchListNamespacedDeploymentAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        Start(_replicaSets, c => _client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: c), (rv, c) => _client.AppsV1.WatchListNamespacedReplicaSetAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        Start(_statefulSets, c => _client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: c), (rv, c) => _client.AppsV1.WatchListNamespacedStatefulSetAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        Start(_daemonSets, c => _client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: c), (rv, c) => _client.AppsV1.WatchListNamespacedDaemonSetAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        Start(_jobs, c => _client.BatchV1.ListNamespacedJobAsync(ns, cancellationToken: c), (rv, c) => _client.BatchV1.WatchListNamespacedJobAsync(ns, resourceVersion: rv, cancellationToken: c), ct);
        _tasks.Add(Task.Run(() => EvaluateLoopAsync(ct), CancellationToken.None));
    }

    private void Start<T, TList>(
        Cache<T> cache,
        Func<CancellationToken, Task<TList>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _synced.Add(synced.Task);
        _tasks.Add(Task.Run(() => ListWatchLoopAsync(cache, list, watch, synced, ct), CancellationToken.None));
    }

    private async Task ListWatchLoopAsync<T, TList>(
        Cache<T> cache,
        Func<CancellationToken, Task<TList>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        TaskCompletionSource synced,
        CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var listed = await list(ct);
                cache.Replace(listed.Items);
                synced.TrySetResult();
                Changed();
                var resourceVersion = listed.Metadata?.ResourceVersion ?? "0";
                var expired = false;
                while (!ct.IsCancellationRequested && !expired)
                {
                    var opened = _options.Time.GetUtcNow();
                    var events = 0;
                    await foreach (var (type, item) in watch(resourceVersion, ct))
                    {
                        events++;
                        if (type is WatchEventType.Error)
                        {
                            expired = true; // typically 410 Gone: the resourceVersion is too old; list again
                            break;
                        }

                        if (item?.Metadata?.ResourceVersion is { Length: > 0 } rv)
                        {
                            resourceVersion = rv;
                        }

                        if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            cache.Put(item!);
                        }
                        else if (type is WatchEventType.Deleted)
                        {
                            cache.Remove(item!);
                        }

                        Changed();
                    }

                    // The server closed the stream (its timeout): watch again from where we were; never spin.
                    if ((expired || events == 0) && _options.Time.GetUtcNow() - opened < _options.ReconnectDelay)
                    {
                        await Task.Delay(_options.ReconnectDelay, _options.Time, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // 410 Gone, a dropped connection, an unreachable server: list again after a pause.
                if (Interlocked.Exchange(ref _connectionWarned, 1) == 0)
                {
                    Warn($"the rollout watcher lost the cluster API ({typeof(T).Name[2..]}s in {_options.Namespace}): {_options.Mask(e.Message)}; it keeps retrying, fail-fast is blind meanwhile");
                }

                try
                {
                    await Task.Delay(_options.ReconnectDelay, _options.Time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task EvaluateLoopAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(_synced).WaitAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var (fatal, wakeAt) = Evaluate();
                if (fatal is not null)
                {
                    var diagnosis = await BuildAsync(fatal.Value.Pods, fatal.Value.Workload, fatal: true, ct);
                    _fatal.TrySetResult(diagnosis);
                    return;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (wakeAt is { } at)
                {
                    wait.CancelAfter(Max(at - _options.Time.GetUtcNow(), TimeSpan.FromMilliseconds(10)));
                }

                try
                {
                    await _changes.Reader.WaitToReadAsync(wait.Token);
                    _changes.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The unschedulable grace of some pod ran out: evaluate again.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            Warn("the rollout watcher stopped evaluating: " + _options.Mask(e.Message));
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Changed() => _changes.Writer.TryWrite(true);

    private void Warn(string text) => _warnings.Enqueue(text);

    /// <summary>Applies the rules to the current caches: the fatal pods (or workload) and when to look again.</summary>
    private ((List<(V1Pod Pod, string Workload, FatalState State)> Pods, (string Name, FatalState State)? Workload)? Fatal, DateTimeOffset? WakeAt) Evaluate()
    {
        var now = _options.Time.GetUtcNow();
        DateTimeOffset? wakeAt = null;
        var fatalPods = new List<(V1Pod, string, FatalState)>();
        foreach (var candidate in NewPods())
        {
            var uid = candidate.Pod.Metadata.Uid;
            _seen[uid] = candidate;
            DateTimeOffset? since = null;
            if (FailFastRules.UnschedulableCondition(candidate.Pod) is not null)
            {
                since = _unschedulableSince.GetOrAdd(uid, now);
                var at = since.Value + _options.Rules.UnschedulableGrace;
                wakeAt = wakeAt is null || at < wakeAt ? at : wakeAt;
            }
            else
            {
                _unschedulableSince.TryRemove(uid, out _);
            }

            if (FailFastRules.Pod(candidate.Pod, _options.Rules, now, since) is { } state)
            {
                fatalPods.Add((candidate.Pod, candidate.Workload, state));
            }
        }

        var workload = ReleaseWorkloads().FirstOrDefault(w => w.Fatal is not null);
        if (fatalPods.Count == 0 && workload.Fatal is null)
        {
            return (null, wakeAt);
        }

        if (fatalPods.Count == 0)
        {
            // The workload failed as a whole (a Job past its backoff limit: its pods simply ended in Error):
            // its pods are the evidence, read now, before Helm's hook-delete-policy can remove them.
            fatalPods.AddRange(_seen.Values
                .Where(c => c.Workload == workload.Name && !IsReady(c.Pod))
                .OrderByDescending(c => c.Pod.Status?.Phase == "Failed") // the pod watch may lag the Job's: ended pods first
                .ThenBy(c => c.Pod.Metadata.CreationTimestamp)
                .Select(c => (c.Pod, c.Workload, FailFastRules.Pod(c.Pod, _options.Rules, now, null) ?? CurrentState(c.Pod))));
        }

        return ((fatalPods, workload.Fatal is null ? null : (workload.Name, workload.Fatal)), wakeAt);
    }

    private async Task<RolloutDiagnosis> BuildAsync(
        List<(V1Pod Pod, string Workload, FatalState State)> pods, (string Name, FatalState State)? workload, bool fatal, CancellationToken ct)
    {
        IReadOnlyList<Corev1Event> events = [];
        try
        {
            events = (await _client.CoreV1.ListNamespacedEventAsync(_options.Namespace, cancellationToken: ct)).Items.ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Warn("the rollout watcher could not read events: " + _options.Mask(e.Message));
        }

        var diagnoses = new List<PodDiagnosis>();
        foreach (var (pod, owner, state) in pods.Take(5))
        {
            var logs = await LastLogLinesAsync(pod, state, ct);
            diagnoses.Add(new PodDiagnosis(
                pod.Metadata.Name,
                owner,
                state.Container,
                state.Reason,
                state.Message is null ? null : _options.Mask(state.Message),
                state.ExitCode,
                state.RestartCount,
                logs,
                WarningEvents(events, pod)));
        }

        string summary;
        if (diagnoses.Count > 0 && workload is { } failed && pods[0].Workload == failed.Name)
        {
            // The workload failed as a whole (a Job past its backoff limit): say so first, then its pod.
            var first = pods[0];
            summary = $"{failed.Name.Replace('/', ' ')}: {failed.State.Describe()}; pod {first.Pod.Metadata.Name}: {first.State.Describe()}";
        }
        else if (diagnoses.Count > 0 && (workload is null || pods[0].State.Reason != "NotReady"))
        {
            var first = pods[0];
            summary = $"pod {first.Pod.Metadata.Name} ({first.Workload.Replace('/', ' ')}): {first.State.Describe()}";
        }
        else if (workload is { } w)
        {
            summary = $"{w.Name.Replace('/', ' ')}: {w.State.Describe()}";
        }
        else
        {
            summary = NotReady().FirstOrDefault() ?? "no failing pod found";
        }

        return new RolloutDiagnosis(_options.Mask(summary), diagnoses, NotReady(), _options.Time.GetUtcNow(), fatal);
    }

    private async Task<IReadOnlyList<string>> LastLogLinesAsync(V1Pod pod, FatalState state, CancellationToken ct)
    {
        var status = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .FirstOrDefault(s => s.Name == state.Container);
        if (status is null || (status.LastState?.Terminated is null && status.State?.Running is null && status.State?.Terminated is null))
        {
            return []; // the container never ran: no log to read
        }

        var previous = status.RestartCount > 0 && status.LastState?.Terminated is not null;
        try
        {
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty ?? _options.Namespace, container: status.Name, previous: previous, tailLines: _options.LogLines, cancellationToken: ct);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(ct);
            return [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(_options.LogLines).Select(_options.Mask)];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return [];
        }
    }

    private IReadOnlyList<string> WarningEvents(IReadOnlyList<Corev1Event> events, V1Pod pod)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal) { pod.Metadata.Uid };
        foreach (var owner in pod.Metadata.OwnerReferences ?? [])
        {
            owners.Add(owner.Uid);
            if (_replicaSets.Get(owner.Uid)?.Metadata.OwnerReferences is { } grand)
            {
                owners.UnionWith(grand.Select(g => g.Uid));
            }
        }

        return [.. events
            .Where(e => e.Type == "Warning" && e.InvolvedObject?.Uid is { } uid && owners.Contains(uid))
            .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp)
            .TakeLast(_options.Events)
            .Select(e => _options.Mask($"{e.Reason}: {e.Message}{(e.Count > 1 ? $" (x{e.Count})" : "")}"))];
    }

    /// <summary>Pods created since the watcher started that belong to the NEW template of a release workload.</summary>
    private IEnumerable<Candidate> NewPods()
    {
        var workloads = ReleaseWorkloads().ToList();
        var newReplicaSets = new Dictionary<string, string>(StringComparer.Ordinal); // rs uid -> "Deployment/name"
        var owners = new Dictionary<string, (string Name, string? Revision)>(StringComparer.Ordinal); // owner uid -> name, revision to match
        foreach (var w in workloads)
        {
            switch (w.Object)
            {
                case V1Deployment deployment:
                    var newest = _replicaSets.All()
                        .Where(rs => IsControlledBy(rs.Metadata, deployment.Metadata.Uid))
                        .MaxBy(rs => RevisionOf(rs));
                    if (newest is not null)
                    {
                        newReplicaSets[newest.Metadata.Uid] = w.Name;
                    }

                    break;
                case V1StatefulSet statefulSet:
                    owners[statefulSet.Metadata.Uid] = (w.Name, statefulSet.Status?.UpdateRevision);
                    break;
                default:
                    owners[w.Object.Metadata.Uid] = (w.Name, null);
                    break;
            }
        }

        foreach (var pod in _pods.All())
        {
            if (Preexisting(_pods, pod.Metadata) || pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var controller = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller is null)
            {
                continue;
            }

            if (newReplicaSets.TryGetValue(controller.Uid, out var deploymentName))
            {
                yield return new Candidate(pod, deploymentName);
            }
            else if (owners.TryGetValue(controller.Uid, out var owner) &&
                     (owner.Revision is null || (pod.Metadata.Labels?.TryGetValue("controller-revision-hash", out var hash) == true && hash == owner.Revision)))
            {
                yield return new Candidate(pod, owner.Name);
            }
        }
    }

    /// <summary>The release's Deployments, StatefulSets, DaemonSets and Jobs (and hook Jobs created since the start).</summary>
    private IEnumerable<(string Name, IKubernetesObject<V1ObjectMeta> Object, FatalState? Fatal)> ReleaseWorkloads()
    {
        foreach (var d in _deployments.All().Where(d => BelongsToRelease(d.Metadata)))
        {
            // A deadline exceeded before this upgrade touched the Deployment says nothing about it.
            var touched = !_deployments.IsInitial(d.Metadata.Uid) || d.Metadata.Generation > _deployments.InitialGeneration(d.Metadata.Uid);
            var observed = d.Status?.ObservedGeneration >= d.Metadata.Generation;
            yield return ($"Deployment/{d.Metadata.Name}", d, touched && observed ? FailFastRules.Deployment(d) : null);
        }

        foreach (var s in _statefulSets.All().Where(s => BelongsToRelease(s.Metadata)))
        {
            yield return ($"StatefulSet/{s.Metadata.Name}", s, null);
        }

        foreach (var s in _daemonSets.All().Where(s => BelongsToRelease(s.Metadata)))
        {
            yield return ($"DaemonSet/{s.Metadata.Name}", s, null);
        }

        foreach (var j in _jobs.All().Where(j => !Preexisting(_jobs, j.Metadata) && (BelongsToRelease(j.Metadata) || j.Metadata.Annotations?.ContainsKey(HookAnnotation) == true)))
        {
            yield return ($"Job/{j.Metadata.Name}", j, FailFastRules.Job(j));
        }
    }

    private List<string> NotReady()
    {
        var notReady = new List<string>();
        foreach (var (name, obj, _) in ReleaseWorkloads())
        {
            var text = obj switch
            {
                V1Deployment d when (d.Status?.ReadyReplicas ?? 0) < (d.Spec?.Replicas ?? 1) || (d.Status?.UpdatedReplicas ?? 0) < (d.Spec?.Replicas ?? 1) =>
                    $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec?.Replicas ?? 1} ready, {d.Status?.UpdatedReplicas ?? 0} updated",
                V1StatefulSet s when (s.Status?.ReadyReplicas ?? 0) < (s.Spec?.Replicas ?? 1) =>
                    $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec?.Replicas ?? 1} ready",
                V1DaemonSet s when s.Status is { } st && st.NumberReady < st.DesiredNumberScheduled =>
                    $"{st.NumberReady}/{st.DesiredNumberScheduled} ready",
                V1Job j when FailFastRules.Job(j) is { } f => f.Describe(),
                _ => null,
            };
            if (text is not null)
            {
                notReady.Add($"{name}: {_options.Mask(text)}");
            }
        }

        return notReady;
    }

    private bool BelongsToRelease(V1ObjectMeta metadata) =>
        metadata.Annotations is { } a &&
        a.TryGetValue(ReleaseNameAnnotation, out var name) && name == _options.Release &&
        (!a.TryGetValue(ReleaseNamespaceAnnotation, out var ns) || ns == _options.Namespace);

    private static bool IsControlledBy(V1ObjectMeta metadata, string uid) =>
        metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true;

    private static long RevisionOf(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) == true &&
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Phase == "Succeeded" ||
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>What a not-ready pod is doing when no rule calls it fatal (for the post-mortem).</summary>
    private static FatalState CurrentState(V1Pod pod)
    {
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).ToList();
        foreach (var s in statuses)
        {
            var exit = s.State?.Terminated?.ExitCode ?? s.LastState?.Terminated?.ExitCode;
            if (s.State?.Waiting is { Reason: { } reason } waiting)
            {
                return new FatalState(reason, s.Name, waiting.Message, exit, s.RestartCount);
            }

            if (s.State?.Terminated is { } terminated && terminated.ExitCode != 0)
            {
                return new FatalState(terminated.Reason ?? "Error", s.Name, terminated.Message, terminated.ExitCode, s.RestartCount);
            }
        }

        if (FailFastRules.UnschedulableCondition(pod) is { } unschedulable)
        {
            return new FatalState("Unschedulable", "", unschedulable.Message, null, 0);
        }

        var notReady = statuses.FirstOrDefault(s => !s.Ready);
        return new FatalState("NotReady", notReady?.Name ?? "", pod.Status?.Phase, null, notReady?.RestartCount ?? 0);
    }

    private sealed record Candidate(V1Pod Pod, string Workload);

    /// <summary>One kind's objects by uid, plus what the first list saw (uids and generations).</summary>
    private sealed class Cache<T>
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _initial = new(StringComparer.Ordinal);
        private int _listed;

        public void Replace(IEnumerable<T> items)
        {
            var first = Interlocked.Exchange(ref _listed, 1) == 0;
            var list = items.ToList();
            foreach (var stale in _items.Keys.Except(list.Select(i => i.Metadata.Uid), StringComparer.Ordinal))
            {
                _items.TryRemove(stale, out _);
            }

            foreach (var item in list)
            {
                _items[item.Metadata.Uid] = item;
                if (first)
                {
                    _initial[item.Metadata.Uid] = item.Metadata.Generation ?? 0;
                }
            }
        }

        public void Put(T item) => _items[item.Metadata.Uid] = item;

        public void Remove(T item) => _items.TryRemove(item.Metadata.Uid, out _);

        public T? Get(string uid) => _items.TryGetValue(uid, out var item) ? item : null;

        public ICollection<T> All() => _items.Values;

        public bool IsInitial(string uid) => _initial.ContainsKey(uid);

        public long InitialGeneration(string uid) => _initial.TryGetValue(uid, out var generation) ? generation : 0;
    }
}
