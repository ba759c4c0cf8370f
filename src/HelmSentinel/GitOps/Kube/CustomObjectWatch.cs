using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace HelmSentinel.GitOps.Kube;

/// <summary>
/// Watches one named custom object through the Kubernetes API: lists it (by name), then watches from the list's
/// resourceVersion, and lists again after a watch error or when the server ends the stream. Keeps its current JSON and
/// completes <see cref="WhenChangedAsync"/> on every change. Transient failures (a dropped connection, a 5xx, 429) are
/// retried with a doubling pause; a refused credential, a missing object (or a type the cluster does not serve), or
/// failures past the retries end the watch with a <see cref="GitOpsSourceException"/>.
/// </summary>
public sealed class CustomObjectWatch : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _credentials;
    private readonly TimeProvider _time;
    private readonly CustomObjectWatchOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonObject? _current;
    private long _changes;
    private GitOpsSourceException? _failure;
    private Task _run = Task.CompletedTask;

    private CustomObjectWatch(IKubernetes client, CustomObjectRef target, string credentials, TimeProvider time, CustomObjectWatchOptions options)
    {
        _client = client;
        Target = target;
        _credentials = credentials;
        _time = time;
        _options = options;
    }

    /// <summary>The watched object.</summary>
    public CustomObjectRef Target { get; }

    /// <summary>The object as last seen; null before the first list.</summary>
    public JsonObject? Current
    {
        get
        {
            lock (_gate)
            {
                return _current?.DeepClone() as JsonObject;
            }
        }
    }

    /// <summary>How many times the object was read so far (the first list counts): pass it to <see cref="WhenChangedAsync"/>.</summary>
    public long Changes
    {
        get
        {
            lock (_gate)
            {
                return _changes;
            }
        }
    }

    /// <summary>Starts watching <paramref name="target"/>.</summary>
    /// <param name="client">The client (see <see cref="KubeClients.Create"/>); the caller keeps owning it.</param>
    /// <param name="target">The object.</param>
    /// <param name="credentials">How a 401/403 message names the credentials (<see cref="KubeClients.Describe"/>).</param>
    /// <param name="time">The clock of the retry pauses.</param>
    /// <param name="options">Retry pauses and attempts; null = the defaults.</param>
    public static CustomObjectWatch Start(IKubernetes client, CustomObjectRef target, string credentials, TimeProvider time, CustomObjectWatchOptions? options = null)
    {
        var watch = new CustomObjectWatch(client, target, credentials, time, options ?? new CustomObjectWatchOptions());
        watch._run = Task.Run(() => watch.RunAsync(watch._stop.Token));
        return watch;
    }

    /// <summary>Completes once the object was read more than <paramref name="seen"/> times (see <see cref="Changes"/>);
    /// throws the <see cref="GitOpsSourceException"/> that ended the watch.</summary>
    /// <param name="seen">The <see cref="Changes"/> the caller has seen.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task WhenChangedAsync(long seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_failure is not null)
                {
                    throw _failure;
                }

                if (_changes > seen)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var listed = ToObject(await _client.CustomObjects.ListNamespacedCustomObjectAsync(
                    Target.Group, Target.Version, Target.Namespace, Target.Plural, fieldSelector: FieldSelector, cancellationToken: ct));
                var item = listed["items"] is JsonArray items ? items.OfType<JsonObject>().FirstOrDefault() : null;
                if (item is null)
                {
                    Fail(GitOpsSourceFailure.NotFound, $"{Target} does not exist (checked with {_credentials})");
                    return;
                }

                Set(item);
                failures = 0;
                var resourceVersion = listed["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "0";
                while (!ct.IsCancellationRequested)
                {
                    var (next, relist, deleted) = await WatchOnceAsync(resourceVersion, ct);
                    if (deleted)
                    {
                        Fail(GitOpsSourceFailure.NotFound, $"{Target} was deleted while it was watched");
                        return;
                    }

                    if (relist)
                    {
                        break;
                    }

                    resourceVersion = next;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                Fail(GitOpsSourceFailure.Unauthorized,
                    $"the Kubernetes API refused the credentials of {_credentials} reading {Target} ({(int)e.Response.StatusCode} {e.Response.StatusCode}): check the kubeconfig's user and its RBAC", e);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                Fail(GitOpsSourceFailure.NotFound,
                    $"the cluster of {_credentials} does not serve {Target.Plural}.{Target.Group}/{Target.Version} (is the CustomResourceDefinition installed?)", e);
                return;
            }
#pragma warning disable CA1031 // every other failure is transient until the retries run out
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                if (failures > _options.Retries)
                {
                    Fail(GitOpsSourceFailure.Unreachable, $"the Kubernetes API of {_credentials} cannot be reached reading {Target}: {e.Message}", e);
                    return;
                }

                try
                {
                    await Task.Delay(_options.RetryDelay * Math.Pow(2, failures - 1), _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One watch stream: the resourceVersion to go on from, whether to list again (an error event, or a stream
    /// that ended at once), and whether the object was deleted.</summary>
    private async Task<(string ResourceVersion, bool Relist, bool Deleted)> WatchOnceAsync(string resourceVersion, CancellationToken ct)
    {
        var opened = _time.GetUtcNow();
        var events = 0;
        await foreach (var (type, obj) in _client.CustomObjects.WatchListNamespacedCustomObjectAsync(
            Target.Group, Target.Version, Target.Namespace, Target.Plural, allowWatchBookmarks: true, fieldSelector: FieldSelector,
            resourceVersion: resourceVersion, cancellationToken: ct))
        {
            events++;
            if (type == WatchEventType.Error)
            {
                return (resourceVersion, true, false); // typically 410 Gone
            }

            var item = ToObject(obj);
            resourceVersion = item["metadata"]?["resourceVersion"]?.GetValue<string>() ?? resourceVersion;
            switch (type)
            {
                case WatchEventType.Deleted:
                    return (resourceVersion, false, true);
                case WatchEventType.Added or WatchEventType.Modified:
                    Set(item);
                    break;
            }
        }

        // The server closed the stream (its timeout): watch again from there, but never spin on one that ends at once.
        if (events == 0 && _time.GetUtcNow() - opened < _options.RetryDelay)
        {
            await Task.Delay(_options.RetryDelay, _time, ct);
        }

        return (resourceVersion, false, false);
    }

    private string FieldSelector => "metadata.name=" + Target.Name;

    private static JsonObject ToObject(object? value) =>
        JsonSerializer.SerializeToNode(value) as JsonObject ?? throw new InvalidDataException("the Kubernetes API answered with something other than an object");

    private void Set(JsonObject item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _current = item;
            _changes++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private void Fail(GitOpsSourceFailure failure, string message, Exception? cause = null)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _failure = new GitOpsSourceException(failure, message, cause);
            changed = _changed;
        }

        changed.TrySetResult();
    }
}

/// <summary>How a <see cref="CustomObjectWatch"/> retries.</summary>
public sealed record CustomObjectWatchOptions
{
    /// <summary>The first pause after a failure (then doubled each time); also the shortest life of a watch stream
    /// before it is opened again. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failures in a row retried before the source counts as unreachable. Default 5 (about 30 s).</summary>
    public int Retries { get; init; } = 5;
}
