using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>
/// The simulated control plane and kubelets: Deployment, ReplicaSet, StatefulSet, DaemonSet and Job
/// controllers, a scheduler, a kubelet per node and a PVC binder, all driven by the
/// <see cref="ObjectStore"/> change feed and timers on the injected <see cref="TimeProvider"/>.
/// One background loop reconciles one object at a time, so controllers never race each other.
/// </summary>
public sealed partial class ClusterControllers : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly ClusterConfig _config;
    private readonly TimeProvider _time;
    private readonly EventRecorder _events;
    private readonly Channel<WorkKey> _queue = Channel.CreateUnbounded<WorkKey>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<WorkKey> _queued = [];
    private readonly Dictionary<WorkKey, (DateTimeOffset Due, ITimer Timer)> _timers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private Task? _loop;
    private bool _started;
    private bool _disposed;
    private bool _busy;

    /// <summary>Creates the controllers; nothing runs until <see cref="Start"/>.</summary>
    public ClusterControllers(ObjectStore store, ClusterConfig config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _config = config;
        _time = time;
        _events = new EventRecorder(store);
    }

    /// <summary>How many reconciles threw (they are retried); for tests and diagnostics.</summary>
    public int ReconcileErrors { get; private set; }

    /// <summary>The last exception a reconcile threw, if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>True when nothing is queued or being reconciled (timers may still be pending); for tests.</summary>
    internal bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count == 0 && !_busy;
            }
        }
    }

    /// <summary>
    /// Creates the Node objects and the default, kube-system, kube-public and kube-node-lease
    /// namespaces when missing, subscribes to the store and starts the reconcile loop. Idempotent.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
        }

        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            CreateIfMissing(ResourceTypes.Namespaces, null, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns },
            });
        }

        for (var i = 0; i < _config.Nodes.Count; i++)
        {
            CreateIfMissing(ResourceTypes.Nodes, null, NodeObject(_config.Nodes[i], i, Json.Time(_time.GetUtcNow())));
        }

        _subscription = _store.Subscribe(OnChange);
        _loop = Task.Run(() => LoopAsync(_stop.Token));
        foreach (var type in new[] { ResourceTypes.Deployments, ResourceTypes.ReplicaSets, ResourceTypes.StatefulSets, ResourceTypes.DaemonSets, ResourceTypes.Jobs, ResourceTypes.Pods, ResourceTypes.PersistentVolumeClaims })
        {
            foreach (var o in _store.List(type, null))
            {
                Enqueue(new WorkKey(type, o.Text("metadata.namespace") ?? string.Empty, o.Text("metadata.name") ?? string.Empty));
            }
        }
    }

    /// <summary>
    /// The text of a container's log (<paramref name="previous"/>: of the last terminated run), the
    /// last <paramref name="tailLines"/> lines when given. Null when there is no such pod or container.
    /// </summary>
    public string? GetPodLog(string ns, string pod, string? container, bool previous, int? tailLines)
    {
        PodSimulation? sim;
        lock (_gate)
        {
            _pods.TryGetValue((ns, pod), out sim);
        }

        if (sim is not null)
        {
            lock (sim.Gate)
            {
                return sim.Log(container, previous, tailLines) ?? (previous ? null : string.Empty);
            }
        }

        return _store.Get(ResourceTypes.Pods, ns, pod) is null ? null : string.Empty;
    }

    /// <summary>
    /// Reads a pod's container logs as they grow (see <see cref="PodSimulation.LogSnapshot"/>): the reader keeps the pod
    /// it was given, so a follower still reads the last lines of a pod deleted meanwhile. Null when the pod is unknown.
    /// </summary>
    internal Func<string?, bool, PodLogSnapshot?>? FindPodLog(string ns, string pod)
    {
        PodSimulation? sim;
        lock (_gate)
        {
            _pods.TryGetValue((ns, pod), out sim);
        }

        if (sim is null)
        {
            return null;
        }

        return (container, previous) =>
        {
            lock (sim.Gate)
            {
                return sim.LogSnapshot(container, previous);
            }
        };
    }

    /// <summary>Stops the loop, every timer and the store subscription. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
            foreach (var (_, timer) in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _subscription?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private void OnChange(WatchEvent change)
    {
        var type = change.ResourceType;
        if (type == ResourceTypes.Events || type == ResourceTypes.Nodes || type == ResourceTypes.Namespaces || type == ResourceTypes.Services || type == ResourceTypes.ServiceAccounts)
        {
            return;
        }

        var ns = change.Object.Text("metadata.namespace") ?? string.Empty;
        var name = change.Object.Text("metadata.name") ?? string.Empty;
        if (type == ResourceTypes.ConfigMaps || type == ResourceTypes.Secrets)
        {
            if (change.Type == "ADDED")
            {
                lock (_gate)
                {
                    foreach (var sim in _pods.Values.Where(p => p.Namespace == ns && p.WaitingOnConfig))
                    {
                        EnqueueLocked(new WorkKey(ResourceTypes.Pods, ns, sim.Name));
                    }
                }
            }

            return;
        }

        Enqueue(new WorkKey(type, ns, name));
        if (change.Object.ControllerRef() is { } owner)
        {
            var ownerType = owner.Kind switch
            {
                "ReplicaSet" => ResourceTypes.ReplicaSets,
                "Deployment" => ResourceTypes.Deployments,
                "StatefulSet" => ResourceTypes.StatefulSets,
                "DaemonSet" => ResourceTypes.DaemonSets,
                "Job" => ResourceTypes.Jobs,
                _ => null,
            };
            if (ownerType is not null)
            {
                Enqueue(new WorkKey(ownerType, ns, owner.Name));
            }
        }

        if (type == ResourceTypes.Pods && change.Type == "DELETED")
        {
            // Capacity freed: pods waiting for room get another try.
            lock (_gate)
            {
                foreach (var sim in _pods.Values.Where(p => p.UnschedulableMessage is not null))
                {
                    EnqueueLocked(new WorkKey(ResourceTypes.Pods, sim.Namespace, sim.Name));
                }
            }
        }
    }

    private void Enqueue(WorkKey key)
    {
        lock (_gate)
        {
            EnqueueLocked(key);
        }
    }

    private void EnqueueLocked(WorkKey key)
    {
        if (!_disposed && _queued.Add(key))
        {
            _queue.Writer.TryWrite(key);
        }
    }

    /// <summary>Reconciles <paramref name="key"/> again at <paramref name="at"/> (keeps an earlier wake-up).</summary>
    private void WakeAt(WorkKey key, DateTimeOffset at)
    {
        var due = at - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            Enqueue(key);
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_timers.TryGetValue(key, out var existing))
            {
                if (existing.Due <= at)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            ITimer? timer = null;
            timer = _time.CreateTimer(
                _ =>
                {
                    lock (_gate)
                    {
                        if (_timers.TryGetValue(key, out var current) && ReferenceEquals(current.Timer, timer))
                        {
                            _timers.Remove(key);
                            current.Timer.Dispose();
                        }

                        EnqueueLocked(key);
                    }
                },
                null,
                due,
                Timeout.InfiniteTimeSpan);
            _timers[key] = (at, timer);
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        await foreach (var key in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            lock (_gate)
            {
                _queued.Remove(key);
                _busy = true;
            }

            if (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                Reconcile(key);
            }
#pragma warning disable CA1031 // A failed reconcile is retried shortly, like a controller's rate-limited requeue.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ReconcileErrors++;
                LastError = e;
                WakeAt(key, _time.GetUtcNow() + TimeSpan.FromMilliseconds(200));
            }
            finally
            {
                lock (_gate)
                {
                    _busy = false;
                }
            }
        }
    }

    private void Reconcile(WorkKey key)
    {
        if (key.Type == ResourceTypes.Deployments)
        {
            SyncDeployment(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.ReplicaSets)
        {
            SyncReplicaSet(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.Pods)
        {
            SyncPod(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.StatefulSets)
        {
            SyncStatefulSet(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.DaemonSets)
        {
            SyncDaemonSet(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.Jobs)
        {
            SyncJob(key.Namespace, key.Name);
        }
        else if (key.Type == ResourceTypes.PersistentVolumeClaims)
        {
            SyncPersistentVolumeClaim(key.Namespace, key.Name);
        }
    }

    private void CreateIfMissing(ResourceType type, string? ns, JsonObject obj)
    {
        if (_store.Get(type, ns, obj.Text("metadata.name")!) is not null)
        {
            return;
        }

        try
        {
            _store.Create(type, ns, obj);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created concurrently: fine.
        }
    }

    private static JsonObject NodeObject(NodeConfig node, int index, string now)
    {
        var cpu = node.MilliCpu % 1000 == 0
            ? (node.MilliCpu / 1000).ToString(CultureInfo.InvariantCulture)
            : node.MilliCpu.ToString(CultureInfo.InvariantCulture) + "m";
        var memory = node.MemoryBytes % 1024 == 0
            ? (node.MemoryBytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki"
            : node.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        var resources = new JsonObject
        {
            ["cpu"] = cpu,
            ["memory"] = memory,
            ["pods"] = node.Pods.ToString(CultureInfo.InvariantCulture),
            ["ephemeral-storage"] = "100Gi",
        };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = node.Name,
                ["labels"] = new JsonObject
                {
                    ["kubernetes.io/hostname"] = node.Name,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                    ["beta.kubernetes.io/os"] = "linux",
                    ["beta.kubernetes.io/arch"] = "amd64",
                },
            },
            ["spec"] = new JsonObject { ["podCIDR"] = $"10.244.{index}.0/24" },
            ["status"] = new JsonObject
            {
                ["capacity"] = resources.DeepClone(),
                ["allocatable"] = resources,
                ["conditions"] = new JsonArray(
                    NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                    NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                    NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                    NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = HostIp(index) },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["operatingSystem"] = "linux",
                    ["osImage"] = "HelmSentinel simulated node",
                    ["kernelVersion"] = "6.1.0",
                    ["containerRuntimeVersion"] = "containerd://1.7.24",
                    ["kubeletVersion"] = "v1.32.3",
                    ["kubeProxyVersion"] = "v1.32.3",
                },
            },
        };
    }

    private static JsonObject NodeCondition(string type, string status, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastHeartbeatTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static string HostIp(int nodeIndex) => $"172.18.0.{nodeIndex + 2}";

    private readonly record struct WorkKey(ResourceType Type, string Namespace, string Name);
}
