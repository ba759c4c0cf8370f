using HelmSentinel.Kubernetes;
using k8s;

namespace HelmSentinel.GitOps.Kube;

/// <summary>
/// A GitOps source with the destination cluster's fail-fast rules added (<c>destination-kubeconfig</c>): while the
/// application is at the wanted revision and not yet healthy, its workloads' pods are read every
/// <see cref="Interval"/>, and the first fatal pod state is a reading of its own: the application as last read, Degraded,
/// with the pod as the failure. Reading the destination is best effort: an error there waits for the next round.
/// </summary>
public sealed class FailFastSource : IAppSource
{
    private readonly IAppSource _inner;
    private readonly IKubernetes _destination;
    private readonly FailFastOptions _rules;
    private readonly TimeProvider _time;
    private Task<AppObservation>? _pending;
    private AppObservation? _last;
    private bool _reported;

    /// <summary>Wraps <paramref name="inner"/>; the source owns <paramref name="destination"/> and disposes it.</summary>
    /// <param name="inner">The application's own readings.</param>
    /// <param name="destination">A client of the cluster the application deploys to.</param>
    /// <param name="rules">The fail-fast thresholds.</param>
    /// <param name="time">The clock.</param>
    /// <param name="interval">How often the destination's pods are read; null = 2 s.</param>
    public FailFastSource(IAppSource inner, IKubernetes destination, FailFastOptions rules, TimeProvider time, TimeSpan? interval = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _destination = destination ?? throw new ArgumentNullException(nameof(destination));
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Interval = interval ?? TimeSpan.FromSeconds(2);
    }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <summary>How often the destination's pods are read.</summary>
    public TimeSpan Interval { get; }

    /// <inheritdoc/>
    public async Task<AppObservation> NextAsync(CancellationToken cancellationToken)
    {
        _pending ??= _inner.NextAsync(cancellationToken);
        while (!_reported && _last is { AtRevision: true, Health: not AppHealth.Healthy, Failure: null } last
               && DestinationPods.Workloads(last.Resources) is { Count: > 0 } workloads)
        {
            using (var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var first = await Task.WhenAny(_pending, Task.Delay(Interval, _time, round.Token));
                await round.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
                if (first == _pending)
                {
                    break;
                }
            }

            if (await FatalAsync(workloads, cancellationToken) is { } fatal)
            {
                _reported = true;
                return last with { At = _time.GetUtcNow(), Health = AppHealth.Degraded, Failure = fatal + " (the destination's fail-fast rules)" };
            }
        }

        var reading = await _pending;
        _pending = null;
        _last = reading;
        return reading;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        _destination.Dispose();
    }

    private async Task<FatalPod?> FatalAsync(IReadOnlyList<AppResource> workloads, CancellationToken cancellationToken)
    {
        var replicaSets = new List<k8s.Models.V1ReplicaSet>();
        var statefulSets = new List<k8s.Models.V1StatefulSet>();
        var pods = new List<k8s.Models.V1Pod>();
        try
        {
            foreach (var ns in workloads.Select(w => w.Namespace!).Distinct(StringComparer.Ordinal))
            {
                pods.AddRange((await _destination.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken)).Items);
                replicaSets.AddRange((await _destination.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: cancellationToken)).Items);
                statefulSets.AddRange((await _destination.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: cancellationToken)).Items);
            }
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return DestinationPods.First(workloads, replicaSets, statefulSets, pods, _rules, _time.GetUtcNow());
    }
}
