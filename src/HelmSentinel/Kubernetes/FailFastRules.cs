using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>The knobs of the fail-fast rules.</summary>
public sealed record FailFastOptions
{
    /// <summary>Restarts after which a crash-looping or OOM-killed container is fatal.</summary>
    public int RestartThreshold { get; init; } = 2;

    /// <summary>How long a pod may stay Unschedulable before that is fatal.</summary>
    public TimeSpan UnschedulableGrace { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A state that will not heal by waiting: the reason to stop the rollout now.</summary>
/// <param name="Reason">Kubernetes' reason: CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, ProgressDeadlineExceeded, BackoffLimitExceeded, …</param>
/// <param name="Container">The container concerned; empty for a pod- or workload-level reason.</param>
/// <param name="Message">Kubernetes' message for the reason, when it gave one.</param>
/// <param name="ExitCode">Exit code of the last terminated run, when there was one.</param>
/// <param name="RestartCount">Restarts of the container (0 for pod- and workload-level reasons).</param>
public sealed record FatalState(string Reason, string Container, string? Message, int? ExitCode, int RestartCount)
{
    /// <summary>One phrase, e.g. <c>CrashLoopBackOff after 2 restarts, exit code 1</c>.</summary>
    public string Describe()
    {
        var text = Reason;
        if (Reason is "CrashLoopBackOff" or "OOMKilled")
        {
            text += $" after {RestartCount} restart{(RestartCount == 1 ? "" : "s")}";
            if (ExitCode is { } code)
            {
                text += $", exit code {code}";
            }
        }
        else if (!string.IsNullOrWhiteSpace(Message))
        {
            text += ": " + Message.Trim();
        }

        return text;
    }
}

/// <summary>
/// Decides, from one object as the API server reports it, whether the rollout has reached a state that
/// waiting will not fix. Pure: no I/O, the time is passed in. Everything not listed here waits, as Helm does
/// (a slow readiness probe, a single restart, a pull that is still in progress).
/// </summary>
public static class FailFastRules
{
    private static readonly HashSet<string> ImmediateWaitingReasons = new(StringComparer.Ordinal)
    {
        "ImagePullBackOff",
        "ErrImagePull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
    };

    /// <summary>The first fatal state of a pod's containers (init containers first), or of its scheduling.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="options">Thresholds.</param>
    /// <param name="now">The current time.</param>
    /// <param name="unschedulableSince">When the watcher first saw the pod Unschedulable; null = the condition's own transition time.</param>
    public static FatalState? Pod(V1Pod pod, FailFastOptions options, DateTimeOffset now, DateTimeOffset? unschedulableSince = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(options);
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        foreach (var status in statuses)
        {
            if (Container(status, options) is { } fatal)
            {
                return fatal;
            }
        }

        if (UnschedulableCondition(pod) is { } unschedulable)
        {
            var since = unschedulableSince ?? ToOffset(unschedulable.LastTransitionTime) ?? now;
            if (now - since >= options.UnschedulableGrace)
            {
                return new FatalState("Unschedulable", "", unschedulable.Message, null, 0);
            }
        }

        return null;
    }

    /// <summary>The PodScheduled=False/Unschedulable condition of a pod, when it has one.</summary>
    public static V1PodCondition? UnschedulableCondition(V1Pod pod) =>
        pod?.Status?.Conditions?.FirstOrDefault(c =>
            c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable");

    /// <summary>A Deployment whose progress deadline passed (<c>Progressing=False</c>, <c>ProgressDeadlineExceeded</c>).</summary>
    public static FatalState? Deployment(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var progressing = deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        return progressing is { Status: "False", Reason: "ProgressDeadlineExceeded" }
            ? new FatalState("ProgressDeadlineExceeded", "", progressing.Message, null, 0)
            : null;
    }

    /// <summary>A Job that failed for good (<c>Failed=True</c>, e.g. BackoffLimitExceeded), such as a hook.</summary>
    public static FatalState? Job(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var failed = job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Failed" or "FailureTarget" && c.Status == "True");
        return failed is null ? null : new FatalState(failed.Reason ?? "JobFailed", "", failed.Message, null, 0);
    }

    private static FatalState? Container(V1ContainerStatus status, FailFastOptions options)
    {
        var waiting = status.State?.Waiting;
        var terminated = status.State?.Terminated;
        var last = status.LastState?.Terminated;
        var exitCode = terminated?.ExitCode ?? last?.ExitCode;

        if (waiting?.Reason is { } reason && ImmediateWaitingReasons.Contains(reason))
        {
            return new FatalState(reason, status.Name, waiting.Message, exitCode, status.RestartCount);
        }

        if (status.RestartCount < options.RestartThreshold)
        {
            return null;
        }

        if (terminated?.Reason == "OOMKilled" || last?.Reason == "OOMKilled")
        {
            return new FatalState("OOMKilled", status.Name, waiting?.Message ?? terminated?.Message ?? last?.Message, exitCode, status.RestartCount);
        }

        return waiting?.Reason == "CrashLoopBackOff"
            ? new FatalState("CrashLoopBackOff", status.Name, waiting.Message, exitCode, status.RestartCount)
            : null;
    }

    private static DateTimeOffset? ToOffset(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
