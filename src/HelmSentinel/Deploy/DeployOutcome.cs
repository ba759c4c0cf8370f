using HelmSentinel.Helm;

namespace HelmSentinel.Deploy;

/// <summary>How one guarded deploy ended.</summary>
public enum DeployResult
{
    /// <summary>The upgrade (or install) succeeded and the release is deployed at the new revision.</summary>
    Succeeded,

    /// <summary>The upgrade failed and the release is back at its last good revision (or, for a first install, uninstalled).</summary>
    RolledBack,

    /// <summary>The upgrade failed and the release could not be restored: a person must look.</summary>
    RollbackFailed,

    /// <summary>The request was refused before anything in the cluster changed.</summary>
    Rejected,

    /// <summary>The cluster or the helm binary could not be reached; nothing was changed by us.</summary>
    Unreachable,
}

/// <summary>A chart as recorded on a revision.</summary>
/// <param name="Chart">Chart as <c>name-version</c>.</param>
/// <param name="AppVersion">The chart's appVersion.</param>
public sealed record ChartSnapshot(string Chart, string AppVersion);

/// <summary>A moment in the deploy.</summary>
/// <param name="At">When it happened.</param>
/// <param name="What">What happened, e.g. <c>upgrade started</c>, <c>pod web-7d9 CrashLoopBackOff</c>.</param>
public sealed record TimelineEvent(DateTimeOffset At, string What);

/// <summary>How long one phase of the deploy took.</summary>
/// <param name="Name">Phase name: validate, detect-helm, read-history, recover-lock, upgrade, verify, rollback.</param>
/// <param name="Started">When it started.</param>
/// <param name="Duration">How long it took.</param>
public sealed record PhaseTiming(string Name, DateTimeOffset Started, TimeSpan Duration);

/// <summary>The immutable result of one guarded deploy: everything the reports and outputs need.</summary>
public sealed record DeployOutcome
{
    public required DeployResult Result { get; init; }

    public required string Release { get; init; }

    public required string Namespace { get; init; }

    /// <summary>The chart reference that was asked for.</summary>
    public string? ChartReference { get; init; }

    /// <summary>Helm's version as <c>helm version --short</c> printed it; null when it was not reached.</summary>
    public string? HelmVersion { get; init; }

    /// <summary>True when there was no release before this deploy.</summary>
    public bool FirstInstall { get; init; }

    /// <summary>The live revision's chart before the deploy; null on a first install.</summary>
    public ChartSnapshot? Before { get; init; }

    /// <summary>The live revision's chart after the deploy; null when nothing is installed.</summary>
    public ChartSnapshot? After { get; init; }

    /// <summary>The last good revision before this deploy (the rollback target).</summary>
    public int? PreviousRevision { get; init; }

    /// <summary>The revision this deploy created (succeeded or failed).</summary>
    public int? AttemptedRevision { get; init; }

    /// <summary>The revision that now serves the last good content, when a rollback happened.</summary>
    public int? RestoredRevision { get; init; }

    /// <summary>The revision deployed now, when one is.</summary>
    public int? CurrentRevision { get; init; }

    /// <summary>True when a failed first install was removed.</summary>
    public bool Uninstalled { get; init; }

    /// <summary>Why the deploy failed, in one line; null on success.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Helm's own error text (stderr), masked; null on success.</summary>
    public string? HelmError { get; init; }

    /// <summary>Why the rollout failed, pod by pod, when the watcher (or the post-mortem) found out.</summary>
    public Kubernetes.RolloutDiagnosis? Diagnosis { get; init; }

    /// <summary>Moments of the deploy worth a timeline: upgrade start, first fatal state, rollback start, restored.</summary>
    public IReadOnlyList<TimelineEvent> Timeline { get; init; } = [];

    /// <summary>Steps the engine took beyond the upgrade itself (lock recovery, explicit rollback, …).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Things worth knowing that did not fail the deploy.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Duration of each phase, in order.</summary>
    public IReadOnlyList<PhaseTiming> Phases { get; init; } = [];

    /// <summary>The release history after the deploy, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>Total time from the start of the deploy to its end.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The process exit code for this outcome (documented in the README).</summary>
    public int ExitCode => ExitCodes.For(Result);
}

/// <summary>The result as every entry point names it (the <c>result</c> output, the Azure build tag).</summary>
public static class DeployResultNames
{
    /// <summary><c>succeeded</c>, <c>rolled-back</c>, <c>rollback-failed</c>, <c>rejected</c> or <c>unreachable</c>.</summary>
    public static string Of(DeployResult result) => result switch
    {
        DeployResult.Succeeded => "succeeded",
        DeployResult.RolledBack => "rolled-back",
        DeployResult.RollbackFailed => "rollback-failed",
        DeployResult.Rejected => "rejected",
        DeployResult.Unreachable => "unreachable",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}

/// <summary>Exit codes of every entry point.</summary>
public static class ExitCodes
{
    public const int Succeeded = 0;
    public const int RolledBack = 1;
    public const int RollbackFailed = 2;
    public const int Rejected = 3;
    public const int Unreachable = 4;

    /// <summary>The exit code for a result.</summary>
    public static int For(DeployResult result) => result switch
    {
        DeployResult.Succeeded => Succeeded,
        DeployResult.RolledBack => RolledBack,
        DeployResult.RollbackFailed => RollbackFailed,
        DeployResult.Rejected => Rejected,
        DeployResult.Unreachable => Unreachable,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}
