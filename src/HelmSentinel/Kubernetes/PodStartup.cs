using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>A probe's timing as the pod spec holds it, with the API server's defaults for what it leaves out.</summary>
/// <param name="InitialDelaySeconds">Seconds after the container's start before the first probe (default 0).</param>
/// <param name="PeriodSeconds">Seconds between probes (default 10).</param>
/// <param name="FailureThreshold">Failed probes in a row that count as a failure (default 3).</param>
public sealed record ProbeTiming(int InitialDelaySeconds, int PeriodSeconds, int FailureThreshold)
{
    /// <summary>The timing of <paramref name="probe"/>; null when there is no probe.</summary>
    public static ProbeTiming? Of(V1Probe? probe) =>
        probe is null ? null : new ProbeTiming(probe.InitialDelaySeconds ?? 0, Math.Max(1, probe.PeriodSeconds ?? 10), Math.Max(1, probe.FailureThreshold ?? 3));
}

/// <summary>The probes of one container of a pod template.</summary>
/// <param name="Container">The container's name.</param>
/// <param name="Readiness">Its <c>readinessProbe</c>, if any.</param>
/// <param name="Startup">Its <c>startupProbe</c>, if any.</param>
public sealed record ContainerProbes(string Container, ProbeTiming? Readiness, ProbeTiming? Startup);

/// <summary>How long the new pods of one release workload took to become Ready, as the API server recorded it.</summary>
/// <param name="Workload">The workload as <c>Kind/name</c>.</param>
/// <param name="ReadyAfter">For each new pod that became Ready, the time from its <c>creationTimestamp</c> to its
/// Ready condition's <c>lastTransitionTime</c> (whole seconds: the API's times are), shortest first.</param>
/// <param name="Containers">The probes of the pods' containers (one template: the same for every pod).</param>
public sealed record WorkloadStartup(string Workload, IReadOnlyList<TimeSpan> ReadyAfter, IReadOnlyList<ContainerProbes> Containers)
{
    /// <summary>The median of <see cref="ReadyAfter"/> (the lower one of an even count).</summary>
    public TimeSpan Median => ReadyAfter[(ReadyAfter.Count - 1) / 2];

    /// <summary>The longest of <see cref="ReadyAfter"/>.</summary>
    public TimeSpan Max => ReadyAfter[^1];
}

/// <summary>Reads the start-up times of the new pods the rollout watcher saw. Pure.</summary>
internal static class PodStartups
{
    /// <summary>Per workload (Deployments, StatefulSets, DaemonSets; not Jobs, whose pods end instead of serving), the
    /// start-up times of its new pods that are Ready as last seen; workloads without such a pod are left out. A pod that
    /// was Ready, then not, then Ready again counts its last transition.</summary>
    public static IReadOnlyList<WorkloadStartup> Of(IEnumerable<Candidate> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        return pods
            .Where(c => !c.Workload.StartsWith("Job/", StringComparison.Ordinal))
            .Select(c => (c.Workload, c.Pod, After: ReadyAfter(c.Pod)))
            .Where(p => p.After is not null)
            .GroupBy(p => p.Workload, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var newest = g.MaxBy(p => p.Pod.Metadata.CreationTimestamp)!.Pod;
                var containers = (newest.Spec?.Containers ?? [])
                    .Select(c => new ContainerProbes(c.Name, ProbeTiming.Of(c.ReadinessProbe), ProbeTiming.Of(c.StartupProbe)))
                    .ToList();
                return new WorkloadStartup(g.Key, [.. g.Select(p => p.After!.Value).Order()], containers);
            })
            .ToList();
    }

    private static TimeSpan? ReadyAfter(V1Pod pod)
    {
        if (pod.Metadata?.CreationTimestamp is not { } created ||
            pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True")?.LastTransitionTime is not { } ready)
        {
            return null;
        }

        var after = DateTime.SpecifyKind(ready, DateTimeKind.Utc) - DateTime.SpecifyKind(created, DateTimeKind.Utc);
        return after < TimeSpan.Zero ? null : after;
    }
}
