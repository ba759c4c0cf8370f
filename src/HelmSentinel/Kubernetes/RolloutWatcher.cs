using System.Collections.Concurrent;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Watches a release's rollout beside <c>helm upgrade</c>: lists then watches (from the list's
/// resourceVersion, reconnecting until disposed) the namespace's Deployments, ReplicaSets, StatefulSets,
/// DaemonSets, Jobs and Pods; finds the release's workloads by Helm's ownership annotations, follows them
/// to the pods of their NEW template, and completes <see cref="Fatal"/> as soon as one of those pods (or
/// a workload) reaches a state <see cref="FailFastRules"/> calls fatal. Pods that existed before helm started
/// never count (see <see cref="UpgradeStarted"/>): the healthy old revision cannot trigger it. Errors talking to the cluster are
/// collected in <see cref="Warnings"/>, never thrown.
/// </summary>
/// <remarks>It composes an <see cref="Informer{T}"/> per kind, the pure <see cref="RolloutEvaluator"/> (re-run on
/// every change, and when an unschedulable grace runs out) and the <see cref="PostMortem"/>; it keeps the
/// evaluator's memory between evaluations.</remarks>
public sealed class RolloutWatcher : IAsyncDisposable
{
    private readonly RolloutWatcherOptions _options;
    private readonly IKubernetes _client;
    private readonly RolloutEvaluator _evaluator;
    private readonly PostMortem _postMortem;
    private readonly ForcedRollback _forcedRollback;
    private readonly MigrationHookTracker _migrations;
    private readonly ConcurrentBag<Task> _logReads = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<RolloutDiagnosis> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly List<Task> _tasks = [];

    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Deployment> _deployments;
    private readonly Informer<V1ReplicaSet> _replicaSets;
    private readonly Informer<V1StatefulSet> _statefulSets;
    private readonly Informer<V1DaemonSet> _daemonSets;
    private readonly Informer<V1Job> _jobs;

    // The evaluation loop and DiagnoseAsync both evaluate; one at a time, so that neither loses the other's memory.
    private readonly Lock _evaluating = new();
    private RolloutMemory _memory = RolloutMemory.Empty;
    private int _connectionWarned;
    private long _countFromTicks; // helm's start less ClockMargin, as UTC ticks; 0 while not known
    private int _disposed;
    private TaskCompletionSource _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RolloutWatcher(RolloutWatcherOptions options, IKubernetes client)
    {
        _options = options;
        _client = client;
        _evaluator = new RolloutEvaluator(options.Release, options.Namespace, options.Rules);
        var ns = options.Namespace;
        _pods = Inform(c => client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: c), (rv, c) => client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: rv, cancellationToken: c));
        _deployments = Inform(c => client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: c), (rv, c) => client.AppsV1.WatchListNamespacedDeploymentAsync(ns, resourceVersion: rv, cancellationToken: c));
        _replicaSets = Inform(c => client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: c), (rv, c) => client.AppsV1.WatchListNamespacedReplicaSetAsync(ns, resourceVersion: rv, cancellationToken: c));
        _statefulSets = Inform(c => client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: c), (rv, c) => client.AppsV1.WatchListNamespacedStatefulSetAsync(ns, resourceVersion: rv, cancellationToken: c));
        _daemonSets = Inform(c => client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: c), (rv, c) => client.AppsV1.WatchListNamespacedDaemonSetAsync(ns, resourceVersion: rv, cancellationToken: c));
        _jobs = Inform(c => client.BatchV1.ListNamespacedJobAsync(ns, cancellationToken: c), (rv, c) => client.BatchV1.WatchListNamespacedJobAsync(ns, resourceVersion: rv, cancellationToken: c));
        _postMortem = new PostMortem(client, options, uid => _replicaSets.Get(uid), () => _evaluator.NotReady(Snapshot()), Warn);
        _migrations = new MigrationHookTracker(options.MigrationHooks);
        _forcedRollback = new ForcedRollback(client, _evaluator, ns, Snapshot, () => Evaluate().Evaluation.Memory, options.Mask, options.Time);
    }

    /// <summary>Completes with the diagnosis when a fatal state is seen; cancelled when the watcher is disposed first.</summary>
    public Task<RolloutDiagnosis> Fatal => _fatal.Task;

    /// <summary>The upgrade's migration hooks seen so far (<see cref="RolloutWatcherOptions.MigrationHooks"/>): when each
    /// started and ended, its exit code and its pod's last log lines, read before helm's delete policy removes the pod.</summary>
    public IReadOnlyList<MigrationHookRun> MigrationHooks => _migrations.Runs;

    /// <summary>Problems talking to the cluster (the watcher kept trying; fail-fast may have been blind meanwhile).</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>How much earlier than helm's start an object may have been created and still count as the upgrade's.</summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(2);

    /// <summary>True once every list+watch loop and the evaluator have ended (after <see cref="DisposeAsync"/>).</summary>
    internal bool Stopped => _tasks.TrueForAll(t => t.IsCompleted);

    /// <summary>Completes when the first list of every kind is in.</summary>
    private Task Synced => Task.WhenAll(_pods.Synced, _deployments.Synced, _replicaSets.Synced, _statefulSets.Synced, _daemonSets.Synced, _jobs.Synced);

    /// <summary>Starts watching and waits (at most <paramref name="syncTimeout"/>) until the first list of every
    /// kind is in, so that pods created by the upgrade are told apart from the old ones.</summary>
    /// <param name="options">What to watch and how to report.</param>
    /// <param name="syncTimeout">How long to wait for the first lists (default 10 s); past it the watcher runs on and
    /// says so in <see cref="Warnings"/>.</param>
    /// <param name="cancellationToken">Cancels the start; the watcher is then stopped and the cancellation thrown.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static async Task<RolloutWatcher> StartAsync(RolloutWatcherOptions options, TimeSpan? syncTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watcher = new RolloutWatcher(options, new k8s.Kubernetes(KubeconfigLoader.ClientConfiguration(options.Kubeconfig, options.KubeContext)));
        watcher.Run();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(syncTimeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await watcher.Synced.WaitAsync(timeout.Token);
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
    /// <param name="at">When helm was started, on the runner's clock.</param>
    public void UpgradeStarted(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _countFromTicks, (at - ClockMargin).UtcTicks);
        Changed();
    }

    /// <summary>The same post-mortem as <see cref="Fatal"/> (with <c>Fatal = false</c>), taken now: for when
    /// Helm failed by itself. Never throws for cluster errors; returns null when there is nothing to say.</summary>
    /// <param name="cancellationToken">Cancels reading events and logs.</param>
    public async Task<RolloutDiagnosis?> DiagnoseAsync(CancellationToken cancellationToken = default)
    {
        var (snapshot, evaluation) = Evaluate();
        var finding = _evaluator.Failing(snapshot, evaluation.Memory, _options.Time.GetUtcNow());
        if (finding.Pods.Count == 0 && finding.Workload is null && _evaluator.NotReady(snapshot).Count == 0)
        {
            return null;
        }

        return await _postMortem.BuildAsync(finding, fatal: false, cancellationToken);
    }

    /// <summary>How long the pods of the release workloads' current templates that are the upgrade's took to become Ready,
    /// per workload (<see cref="PodStartups"/>): from the API server's times, not this watcher's clock. Only the pods there
    /// now: a pod that was of the newest template for a moment (before the upgrade's ReplicaSet was seen) is not.</summary>
    public IReadOnlyList<WorkloadStartup> Startups() => PodStartups.Of(_evaluator.NewPods(Snapshot()).ToList());

    /// <summary>The <see cref="Startups"/> once helm has reported the rollout Ready: the watch streams may be a moment
    /// behind helm, so this waits (at most <paramref name="catchUp"/>, on the watcher's clock) until the release's workloads
    /// and the new pods still there are Ready as this watcher sees them too; past it, what it has seen so far.</summary>
    /// <param name="catchUp">How long the watcher may lag behind helm.</param>
    public async Task<IReadOnlyList<WorkloadStartup>> StartupsWhenReadyAsync(TimeSpan catchUp)
    {
        using var deadline = new CancellationTokenSource(catchUp, _options.Time);
        try
        {
            await Synced.WaitAsync(deadline.Token);
            while (true)
            {
                var change = _nextChange.Task; // before looking: a change meanwhile wakes the next look
                if (CaughtUp())
                {
                    break;
                }

                await change.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Still behind: what was seen so far.
        }

        return Startups();
    }

    private bool CaughtUp()
    {
        var snapshot = Snapshot();
        return _evaluator.NotReady(snapshot).Count == 0 &&
               _evaluator.NewPods(snapshot)
                   .Where(c => !c.Workload.StartsWith("Job/", StringComparison.Ordinal))
                   .All(c => c.Pod.Status?.Conditions?.Any(x => x.Type == "Ready" && x.Status == "True") == true);
    }

    /// <summary>The release's StatefulSet pods that are stuck now and that <paramref name="scope"/> allows to replace:
    /// not Ready, on a revision their StatefulSet no longer wants, which its controller will not replace.</summary>
    /// <param name="scope">Which stuck pods count.</param>
    public IReadOnlyList<StuckPod> StuckPods(StuckPodScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return _forcedRollback.Stuck(scope);
    }

    /// <summary>
    /// The forced rollback, while a rollback runs: deletes each pod <paramref name="scope"/> allows as soon as it is stuck
    /// (its StatefulSet's template has been restored and the controller will not replace it), until <paramref name="stop"/>
    /// is cancelled. Each pod is deleted at most once. Returns every deletion, in order; never throws for cluster errors.
    /// </summary>
    /// <param name="scope">Which stuck pods to replace.</param>
    /// <param name="stop">Ends the repair (when helm has exited).</param>
    public async Task<IReadOnlyList<PodReplacement>> ReplaceStuckPodsAsync(StuckPodScope scope, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var done = new List<PodReplacement>();
        try
        {
            await Synced.WaitAsync(stop);
            while (!stop.IsCancellationRequested)
            {
                var change = _nextChange.Task; // before looking: a change during the deletes wakes the next round
                done.AddRange(await _forcedRollback.DeleteAsync(_forcedRollback.Stuck(scope), CancellationToken.None));
                await change.WaitAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Helm has exited: the repair ends with it.
        }

        return done;
    }

    /// <summary>Replaces the stuck pods <paramref name="scope"/> allows now, then waits at most <paramref name="timeout"/>
    /// until every release StatefulSet has all replicas Ready on its current template. Returns the deletions and whether
    /// the StatefulSets were Ready in time.</summary>
    /// <param name="scope">Which stuck pods to replace.</param>
    /// <param name="timeout">How long the replacements may take to be Ready.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<(IReadOnlyList<PodReplacement> Replaced, bool Ready)> ReplaceStuckPodsNowAsync(
        StuckPodScope scope, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await Synced.WaitAsync(cancellationToken);
        var replaced = await _forcedRollback.DeleteAsync(_forcedRollback.Stuck(scope), cancellationToken);
        using var deadline = new CancellationTokenSource(timeout, _options.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (true)
            {
                var change = _nextChange.Task;
                if (_forcedRollback.AllReady())
                {
                    return (replaced, true);
                }

                await change.WaitAsync(wait.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (replaced, false);
        }
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

        await Task.WhenAll(_logReads); // the evaluation loop that starts them has ended; they end with the stop token

        _fatal.TrySetCanceled();
        _client.Dispose();
        _stop.Dispose();
    }

    private Informer<T> Inform<T, TList>(
        Func<CancellationToken, Task<TList>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta> =>
        Informer<T>.Create(list, watch, _options.Time, _options.ReconnectDelay, Changed, e =>
        {
            if (Interlocked.Exchange(ref _connectionWarned, 1) == 0)
            {
                Warn($"the rollout watcher lost the cluster API ({typeof(T).Name[2..]}s in {_options.Namespace}): {_options.Mask(e.Message)}; it keeps retrying, fail-fast is blind meanwhile");
            }
        });

    private void Run()
    {
        var ct = _stop.Token;
        Func<CancellationToken, Task>[] loops = [_pods.RunAsync, _deployments.RunAsync, _replicaSets.RunAsync, _statefulSets.RunAsync, _daemonSets.RunAsync, _jobs.RunAsync];
        foreach (var loop in loops)
        {
            _tasks.Add(Task.Run(() => loop(ct), CancellationToken.None));
        }

        _tasks.Add(Task.Run(() => EvaluateLoopAsync(ct), CancellationToken.None));
    }

    private async Task EvaluateLoopAsync(CancellationToken ct)
    {
        try
        {
            await Synced.WaitAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var (snapshot, evaluation) = Evaluate();
                foreach (var read in _migrations.Observe(snapshot, _options.Time.GetUtcNow()))
                {
                    _logReads.Add(ReadMigrationLogAsync(read, ct));
                }

                if (evaluation.Fatal is { } finding)
                {
                    _fatal.TrySetResult(await _postMortem.BuildAsync(finding, fatal: true, ct));
                    return;
                }

                // The wake-up is measured on the watcher's clock, like the grace it ends.
                using var wake = evaluation.WakeAt is { } at
                    ? new CancellationTokenSource(Max(at - _options.Time.GetUtcNow(), TimeSpan.FromMilliseconds(10)), _options.Time)
                    : null;
                using var wait = wake is null ? CancellationTokenSource.CreateLinkedTokenSource(ct) : CancellationTokenSource.CreateLinkedTokenSource(ct, wake.Token);

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

    // Beside the evaluation: a followed log lasts as long as the migration runs.
    private async Task ReadMigrationLogAsync(LogRead read, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            _migrations.Logs(read.Hook, await _postMortem.LastLogLinesAsync(read.Pod, read.Container, ct, read.Follow));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed while following.
        }
    }

    /// <summary>Evaluates the informers' current snapshot against the memory kept so far, and keeps the new memory.</summary>
    private (RolloutSnapshot Snapshot, Evaluation Evaluation) Evaluate()
    {
        lock (_evaluating)
        {
            var snapshot = Snapshot(); // taken inside: memory never goes back to an older snapshot
            var evaluation = _evaluator.Evaluate(snapshot, _memory, _options.Time.GetUtcNow());
            _memory = evaluation.Memory;
            return (snapshot, evaluation);
        }
    }

    private RolloutSnapshot Snapshot()
    {
        var countFrom = Interlocked.Read(ref _countFromTicks);
        return new RolloutSnapshot
        {
            Pods = _pods.Snapshot(),
            Deployments = _deployments.Snapshot(),
            ReplicaSets = _replicaSets.Snapshot(),
            StatefulSets = _statefulSets.Snapshot(),
            DaemonSets = _daemonSets.Snapshot(),
            Jobs = _jobs.Snapshot(),
            CountFrom = countFrom == 0 ? null : new DateTimeOffset(countFrom, TimeSpan.Zero),
        };
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Changed()
    {
        _changes.Writer.TryWrite(true);
        Interlocked.Exchange(ref _nextChange, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private void Warn(string text) => _warnings.Enqueue(text);
}
