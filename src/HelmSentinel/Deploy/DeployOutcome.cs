using HelmSentinel.Drift;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Migrations;
using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>A chart as recorded on a revision.</summary>
/// <param name="Chart">Chart as <c>name-version</c>.</param>
/// <param name="AppVersion">The chart's appVersion.</param>
public sealed record ChartSnapshot(string Chart, string AppVersion);

/// <summary>A moment in the deploy.</summary>
/// <param name="At">When it happened.</param>
/// <param name="What">What happened, e.g. <c>upgrade started</c>, <c>pod web-7d9 CrashLoopBackOff</c>.</param>
public sealed record TimelineEvent(DateTimeOffset At, string What);

/// <summary>How long one phase of the deploy took.</summary>
/// <param name="Name">Phase name: validate, detect-helm, read-history, recover-lock, clean-failed-install, upgrade, verify, rollback.</param>
/// <param name="Started">When it started.</param>
/// <param name="Duration">How long it took.</param>
public sealed record PhaseTiming(string Name, DateTimeOffset Started, TimeSpan Duration);

/// <summary>The immutable result of one guarded deploy: everything the reports and outputs need.</summary>
public sealed record DeployOutcome
{
    /// <summary>How the deploy ended.</summary>
    public required DeployResult Result { get; init; }

    /// <summary>The release name, as asked for.</summary>
    public required string Release { get; init; }

    /// <summary>The release namespace, as asked for.</summary>
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
    public RolloutDiagnosis? Diagnosis { get; init; }

    /// <summary>StatefulSet pods the forced rollback deleted so that their controller recreates them from the restored
    /// template (or from the current one, when an earlier failure had left them stuck), in order.</summary>
    public IReadOnlyList<PodReplacement> ReplacedPods { get; init; } = [];

    /// <summary>StatefulSet pods left on a revision their StatefulSet no longer wants, which a person must delete
    /// (forced rollback off, or a delete that failed); each says the command.</summary>
    public IReadOnlyList<StuckPod> StuckPods { get; init; } = [];

    /// <summary>What the verify document's checks saw after the upgrade was Ready; null when there was no document or the
    /// upgrade never got that far.</summary>
    public VerificationReport? Verification { get; init; }

    /// <summary>What the same checks saw after the deploy rolled back (input <c>verify-rollback</c>); null when not asked,
    /// or when there was nothing to verify (no rollback, or a first install that was removed).</summary>
    public VerificationReport? RollbackVerification { get; init; }

    /// <summary>The upgrade's migration hooks as the rollout watcher saw them run (start, end, exit code, last log lines);
    /// empty without fail-fast, without such hooks, or with <c>migration-hooks: none</c>.</summary>
    public IReadOnlyList<MigrationHookRun> MigrationHooks { get; init; } = [];

    /// <summary>True when the deploy failed after a migration hook completed and <c>on-failure-after-migration: stop</c>
    /// left the failed release as it was (result <see cref="DeployResult.RollbackFailed"/>, exit 2).</summary>
    public bool StoppedAfterMigration { get; init; }

    /// <summary>Moments of the deploy worth a timeline: upgrade start, first fatal state, rollback start, restored.</summary>
    public IReadOnlyList<TimelineEvent> Timeline { get; init; } = [];

    /// <summary>Steps the engine took beyond the upgrade itself (lock recovery, explicit rollback, …).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Things worth knowing that did not fail the deploy.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Advice from the release's history, the deploy's settings and its measured rollout (<see cref="DeployAdvice"/>); it never changes the result.</summary>
    public IReadOnlyList<string> Advice { get; init; } = [];

    /// <summary>Duration of each phase, in order.</summary>
    public IReadOnlyList<PhaseTiming> Phases { get; init; } = [];

    /// <summary>The ConfigMaps and Secrets the deployed manifest's pods read, as the deploy found them when it started (those
    /// outside the release are not reverted by a rollback); empty when the deploy did not look (it stayed off the cluster).</summary>
    public IReadOnlyList<ExternalConfigObject> ExternalConfig { get; init; } = [];

    /// <summary>Those outside the release that changed since the revision the deploy rolled back to was deployed.</summary>
    public IReadOnlyList<ConfigChange> ConfigChanges { get; init; } = [];

    /// <summary>The preflight's plan, when it ran: the objects the upgrade changes and the findings.</summary>
    public DeployPlan? Preflight { get; init; }

    /// <summary>What the destructive-migration lint found (input <c>migrations</c>); null when there was nothing to lint.</summary>
    public MigrationLintResult? Migrations { get; init; }

    /// <summary>The release history after the deploy, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>True for a rollback by hand (<c>helm-sentinel rollback</c>): <see cref="DeployResult.Succeeded"/> then means
    /// the release was rolled back to <see cref="TargetRevision"/> and verified; <see cref="RestoredRevision"/> is the revision
    /// the rollback wrote.</summary>
    public bool IsRollback { get; init; }

    /// <summary>The revision a rollback by hand returned (or tried to return) the release to, once it was known.</summary>
    public int? TargetRevision { get; init; }

    /// <summary>Total time from the start of the deploy to its end.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The process exit code for this outcome (documented in the README).</summary>
    public int ExitCode => ExitCodes.For(Result);

    /// <summary>The outcome of inputs refused before anything ran: nothing was read or changed.</summary>
    /// <param name="release">The release input as given; blank gives <c>(no release)</c>.</param>
    /// <param name="namespace">The namespace input as given; blank gives <c>default</c>.</param>
    /// <param name="chartReference">The chart input as given, if any.</param>
    /// <param name="errors">What is wrong, one error per input problem.</param>
    /// <param name="inputName">How the platform names an input (the Azure task's camelCase names); null = the core's names.</param>
    public static DeployOutcome Rejected(
        string? release, string? @namespace, string? chartReference, IEnumerable<InputError> errors, Func<string, string>? inputName = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        inputName ??= static name => name;
        return new DeployOutcome
        {
            Result = DeployResult.Rejected,
            Release = string.IsNullOrWhiteSpace(release) ? "(no release)" : release.Trim(),
            Namespace = string.IsNullOrWhiteSpace(@namespace) ? "default" : @namespace.Trim(),
            ChartReference = string.IsNullOrWhiteSpace(chartReference) ? null : chartReference.Trim(),
            FailureReason = InvalidInput(errors, inputName),
        };
    }

    /// <summary><c>invalid input: name: message; name: message</c>, the failure reason of a rejected request.</summary>
    internal static string InvalidInput(IEnumerable<InputError> errors, Func<string, string> inputName) =>
        "invalid input: " + string.Join("; ", errors.Select(e => $"{inputName(e.Input)}: {e.Message}"));
}
