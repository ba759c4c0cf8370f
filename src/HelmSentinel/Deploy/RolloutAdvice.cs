using System.Globalization;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>What a deploy measured of its own rollout, for <see cref="DeployAdvice"/>.</summary>
/// <param name="Duration">How long <c>helm upgrade</c> ran, on the runner's clock, when it succeeded; null when nothing
/// was measured.</param>
/// <param name="Startups">The start-up times of the upgrade's new pods, per workload, as the rollout watcher saw them
/// (empty without fail-fast, or when helm was done before the watcher joined). A failed upgrade is not measured: by the
/// time helm exits, its own rollback has put the old template back.</param>
public sealed record MeasuredRollout(TimeSpan? Duration, IReadOnlyList<WorkloadStartup> Startups)
{
    /// <summary>Nothing measured.</summary>
    public static MeasuredRollout None { get; } = new(null, []);
}

/// <summary>
/// Advice from the rollout a deploy watched: its pods' start-up times against their probes, and its length against the
/// timeout. Pure; every sentence is built here so that its wording is tested exactly.
/// </summary>
/// <remarks>
/// <para>The thresholds keep it quiet for ordinary rollouts:</para>
/// <list type="bullet">
/// <item>Readiness probe: a container without a <c>startupProbe</c> whose pods' median time from creation to Ready is at
/// least <see cref="FailedProbesWorthAdvice"/> periods past its <c>readinessProbe</c>'s <c>initialDelaySeconds</c>:
/// about <c>(p50 − initialDelaySeconds) / periodSeconds</c> probes failed on every start (rounded; the time counts from
/// the pod's creation, so scheduling and the image pull are in it: "about"). Pods Ready within the probe's first
/// periods get no advice.</item>
/// <item>Startup probe: a container whose slowest pod took at least <see cref="StartupBudgetShareWorthAdvice"/> of its
/// <c>startupProbe</c>'s budget (<c>initialDelaySeconds + periodSeconds × failureThreshold</c>), past which the kubelet
/// restarts the container.</item>
/// <item>Timeout: a successful upgrade that took at least <see cref="TimeoutShareWorthAdvice"/> of its
/// <c>--timeout</c>.</item>
/// </list>
/// </remarks>
public static class RolloutAdvice
{
    /// <summary>Failed readiness probes per start (estimated at the median pod) from which the probe is worth a word.</summary>
    public const int FailedProbesWorthAdvice = 3;

    /// <summary>Share of a startupProbe's budget used by the slowest pod from which it is worth a word.</summary>
    public const double StartupBudgetShareWorthAdvice = 0.75;

    /// <summary>Share of the timeout a successful upgrade took from which the timeout is worth a word.</summary>
    public const double TimeoutShareWorthAdvice = 0.5;

    /// <summary>The advice for a rollout measured as <paramref name="rollout"/> under <paramref name="timeout"/>.</summary>
    public static IReadOnlyList<string> From(MeasuredRollout rollout, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var advice = new List<string>();
        foreach (var workload in rollout.Startups.Where(w => w.ReadyAfter.Count > 0))
        {
            var several = workload.Containers.Count > 1;
            foreach (var container in workload.Containers)
            {
                if (Probe(workload, container, several) is { } clause)
                {
                    advice.Add(Measured(workload) + "; " + clause);
                }
            }
        }

        if (NearTimeout(rollout, timeout) == true && rollout.Duration is { } took)
        {
            advice.Add($"the rollout took {Compact(took)} of a {Compact(timeout)} timeout: a slightly slower one fails; raise the timeout, or make the pods Ready sooner");
        }

        return advice;
    }

    /// <summary>True when the successful upgrade took at least <see cref="TimeoutShareWorthAdvice"/> of
    /// <paramref name="timeout"/>; null when it was not measured.</summary>
    internal static bool? NearTimeout(MeasuredRollout rollout, TimeSpan timeout) =>
        rollout.Duration is { } took && timeout > TimeSpan.Zero ? took >= timeout * TimeoutShareWorthAdvice : null;

    /// <summary>A duration for advice: whole seconds, compact (<c>4m10s</c>, <c>41s</c>).</summary>
    internal static string Compact(TimeSpan value) => GoDuration.FormatCompact(TimeSpan.FromSeconds(Math.Round(value.TotalSeconds, MidpointRounding.AwayFromZero)));

    private static string Measured(WorkloadStartup workload) =>
        workload.ReadyAfter.Count == 1
            ? $"the pod of {workload.Workload} became Ready {Seconds(workload.Max)} s after creation"
            : $"pods of {workload.Workload} became Ready {Seconds(workload.Max)} s after creation (p50 {Seconds(workload.Median)} s, max {Seconds(workload.Max)} s)";

    private static string? Probe(WorkloadStartup workload, ContainerProbes container, bool several)
    {
        var whose = several ? $"container {container.Container}'s" : "its";
        if (container.Startup is { } startup)
        {
            var budget = startup.InitialDelaySeconds + (startup.PeriodSeconds * startup.FailureThreshold);
            if (workload.Max.TotalSeconds < budget * StartupBudgetShareWorthAdvice)
            {
                return null;
            }

            return $"{whose} startupProbe allows {Number(budget)} s ({Number(startup.InitialDelaySeconds)} s + {Number(startup.FailureThreshold)} × {Number(startup.PeriodSeconds)} s) " +
                   "before the container is restarted — raise its failureThreshold";
        }

        if (container.Readiness is not { } readiness)
        {
            return null;
        }

        var failed = (workload.Median.TotalSeconds - readiness.InitialDelaySeconds) / readiness.PeriodSeconds;
        if (failed < FailedProbesWorthAdvice)
        {
            return null;
        }

        return $"{whose} readinessProbe starts at {Number(readiness.InitialDelaySeconds)} s and probes every {Number(readiness.PeriodSeconds)} s: " +
               $"about {Number((int)Math.Round(failed, MidpointRounding.AwayFromZero))} failed probes per start — consider a startupProbe";
    }

    private static string Seconds(TimeSpan value) => Number((long)Math.Round(value.TotalSeconds, MidpointRounding.AwayFromZero));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
