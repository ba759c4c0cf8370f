using HelmSentinel.Helm;
using HelmSentinel.Plan;

namespace HelmSentinel.Deploy;

/// <summary>
/// The parts of a preflight that need nothing but the request and helm's version, begun at once: helm's server dry run
/// of the upgrade and the connection to the cluster (its discovery). A deploy begins them while the history is still
/// being read, so that the preflight's longest wait (helm rendering) overlaps it. Disposing lets both finish unobserved
/// and closes the connection when it is ready, whichever way the deploy went on; what is still running then is stopped
/// (once: a second dispose does nothing).
/// </summary>
internal sealed class PreflightStart : IDisposable
{
    private int _disposed;

    private readonly CancellationTokenSource _stop;

    private PreflightStart(HelmUpgrade upgrade, IReadOnlyList<string> dryRunArguments, Task<HelmProcessResult> dryRun, Task<ClusterView> opening, CancellationTokenSource stop)
    {
        _stop = stop;
        Upgrade = upgrade;
        DryRunArguments = dryRunArguments;
        DryRun = dryRun;
        Opening = opening;
    }

    /// <summary>The upgrade the dry run renders.</summary>
    public HelmUpgrade Upgrade { get; }

    /// <summary>The dry run's command line, for the log once the preflight's group opens (it is not echoed when begun).</summary>
    public IReadOnlyList<string> DryRunArguments { get; }

    /// <summary><c>helm upgrade --dry-run=server -o json</c>, one attempt (the plan retries a transient failure once the
    /// history has been read, i.e. once the cluster is known to answer).</summary>
    public Task<HelmProcessResult> DryRun { get; }

    /// <summary>The cluster's discovery and a client for the checks' reads.</summary>
    public Task<ClusterView> Opening { get; }

    /// <summary>Begins the dry run and the cluster connection of <paramref name="request"/>'s preflight.</summary>
    public static PreflightStart Begin(DeployRequest request, HelmCli helm, HelmVersion version, TimeProvider time, CancellationToken cancellationToken)
    {
        var upgrade = request.ToHelmUpgrade();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new PreflightStart(
            upgrade,
            HelmArguments.DryRun(upgrade, version, server: true),
            helm.DryRunAsync(upgrade, version, server: true, stop.Token, echo: false, retried: false),
            Task.Run(() => ClusterView.OpenAsync(request.Kubeconfig, request.KubeContext, time, stop.Token), CancellationToken.None), // its client set-up off this path
            stop);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // A preflight that did not get as far as the plan (an unreadable history, say) stops what it started.
        _stop.Cancel();
        _ = DryRun.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        _ = Opening.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                t.Result.Dispose();
            }

            return t.Exception;
        }, TaskScheduler.Default);
        _ = Task.WhenAll(DryRun, Opening).ContinueWith(_ => _stop.Dispose(), TaskScheduler.Default);
    }
}
