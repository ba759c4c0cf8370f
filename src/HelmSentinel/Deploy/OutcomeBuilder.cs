using HelmSentinel.Drift;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Migrations;
using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>
/// What one deploy has found out so far (revisions, charts, diagnosis, actions, warnings, phases, timeline), turned
/// into the immutable <see cref="DeployOutcome"/> when it ends. Every text it keeps is masked; actions and warnings
/// also go to the live log as they happen.
/// </summary>
internal sealed class OutcomeBuilder(DeployRequest request, TimeProvider time, IDeployLog log)
{
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly List<PhaseTiming> _phases = [];
    private readonly List<string> _actions = [];
    private readonly List<string> _warnings = [];
    private readonly List<TimelineEvent> _timeline = [];
    private readonly List<PodReplacement> _replaced = [];
    private readonly List<StuckPod> _stuck = [];
    private readonly List<PhaseScope> _open = [];
    private bool _historyCurrent = true;

    /// <summary>Masks the request's secrets, declared or passed under a secret-looking key (<see cref="DeployRequest.MaskedValues"/>).</summary>
    public SecretMasker Masker { get; } = new(request.MaskedValues);

    /// <summary>The deploy's clock.</summary>
    public TimeProvider Time => time;

    public RolloutDiagnosis? Diagnosis { get; set; }

    public VerificationReport? Verification { get; set; }

    public VerificationReport? RollbackVerification { get; set; }

    /// <summary>The external configuration found when the deploy started.</summary>
    public IReadOnlyList<ExternalConfigObject> ExternalConfig { get; set; } = [];

    /// <summary>What of it changed since the rollback's target revision.</summary>
    public IReadOnlyList<ConfigChange> ConfigChanges { get; set; } = [];

    /// <summary>The preflight's plan, when it ran.</summary>
    public DeployPlan? Preflight { get; set; }

    public string? HelmVersion { get; set; }

    /// <summary>What the destructive-migration lint found, when the request names migrations.</summary>
    public MigrationLintResult? Migrations { get; set; }

    /// <summary>The release history as last read; setting it marks it current until the next mutating helm run.</summary>
    public ReleaseHistory History
    {
        get;
        set
        {
            field = value;
            _historyCurrent = true;
        }
    } = ReleaseHistory.Empty;

    /// <summary>What the upgrade measured of its rollout, for the advice.</summary>
    public MeasuredRollout Rollout { get; set; } = MeasuredRollout.None;

    public bool FirstInstall { get; set; }

    public bool Uninstalled { get; set; }

    public int? PreviousRevision { get; set; }

    public int? AttemptedRevision { get; set; }

    public int? RestoredRevision { get; set; }

    public int? CurrentRevision { get; set; }

    public ChartSnapshot? Before { get; set; }

    public int? TargetRevision { get; set; }

    public ChartSnapshot? After { get; set; }

    /// <summary>When the deploy started: the reports' +0.</summary>
    public DateTimeOffset Started => _start;

    /// <summary>The upgrade's migration hooks, as the watcher saw them.</summary>
    public IReadOnlyList<MigrationHookRun> MigrationHooks { get; set; } = [];

    /// <summary>True when on-failure-after-migration: stop left the failed release as it was.</summary>
    public bool StoppedAfterMigration { get; set; }

    /// <summary>A step the engine took beyond the upgrade itself; logged at once.</summary>
    public void Action(string text)
    {
        var masked = Masker.Mask(text);
        _actions.Add(masked);
        log.Info(masked);
    }

    /// <summary>Something worth knowing that does not fail the deploy; logged at once.</summary>
    public void Warning(string text)
    {
        var masked = Masker.Mask(text);
        _warnings.Add(masked);
        log.Warning(masked);
    }

    /// <summary>Times a phase from now until the result is disposed.</summary>
    public IDisposable Phase(string name)
    {
        var scope = new PhaseScope(this, name, time.GetUtcNow());
        _open.Add(scope);
        return scope;
    }

    /// <summary>A phase that ran beside another (the forced rollback during helm's rollback), with its own start and length.</summary>
    public void Phase(string name, DateTimeOffset started, DateTimeOffset ended) => _phases.Add(new PhaseTiming(name, started, ended - started));

    /// <summary>A helm command that may change the release is about to run: the history read so far is no longer the end state.</summary>
    public void Mutating() => _historyCurrent = false;

    /// <summary>Pods the forced rollback deleted: each an action and a moment of the timeline.</summary>
    /// <param name="replacements">The deletions.</param>
    /// <param name="ran">What the pods ran, e.g. <c>the failed revision</c>.</param>
    public void Replaced(IEnumerable<PodReplacement> replacements, string ran)
    {
        foreach (var pod in replacements)
        {
            _replaced.Add(pod);
            if (pod.Deleted)
            {
                Action($"deleted {pod.Pod} ({pod.Workload}): it ran {ran} ({pod.Revision}); {pod.Why}");
                _timeline.Add(new TimelineEvent(pod.At, Masker.Mask($"deleted pod {pod.Pod} (forced rollback)")));
            }
            else
            {
                Warning($"could not delete {pod.Pod} ({pod.Workload}), which runs {ran} ({pod.Revision}): {pod.Error}");
            }
        }
    }

    /// <summary>Pods a person must delete: named, with the command, in the warnings.</summary>
    public void Stuck(IEnumerable<StuckPod> pods)
    {
        foreach (var pod in pods)
        {
            _stuck.Add(pod);
            Warning($"{pod.Pod} ({pod.Workload}) is stuck on revision {pod.Revision} (its template is at {pod.CurrentRevision}): {pod.Why}; " +
                $"delete it to let the StatefulSet recreate it: {pod.DeleteCommand(request.Namespace)}");
        }
    }

    /// <summary>A moment worth the timeline.</summary>
    public void Mark(string what) => Mark(time.GetUtcNow(), what);

    /// <summary>A moment worth the timeline that happened at <paramref name="at"/> (seen by the watcher).</summary>
    public void Mark(DateTimeOffset at, string what) => _timeline.Add(new TimelineEvent(at, Masker.Mask(what)));

    /// <summary>The outcome. Phases still running end now; when the history was read after the last change, what is deployed
    /// now (revision, chart, app version) is taken from it, so that the report never says otherwise than its history.</summary>
    public DeployOutcome End(Verdict verdict)
    {
        var (result, reason, helmResult) = (verdict.Result, verdict.Reason, verdict.Helm);
        var now = time.GetUtcNow();
        if (_historyCurrent && History.Entries.Count > 0)
        {
            var deployed = History.Deployed;
            CurrentRevision = deployed?.Revision;
            After = deployed is null ? null : new ChartSnapshot(deployed.Chart, deployed.AppVersion);
        }

        return new DeployOutcome
        {
            Result = result,
            Release = request.Release,
            Namespace = request.Namespace,
            ChartReference = request.Rollback is null ? request.Chart : null,
            HelmVersion = HelmVersion,
            FirstInstall = FirstInstall,
            Before = Before,
            After = After,
            PreviousRevision = PreviousRevision,
            AttemptedRevision = AttemptedRevision,
            RestoredRevision = RestoredRevision,
            CurrentRevision = CurrentRevision,
            Uninstalled = Uninstalled,
            IsRollback = request.Rollback is not null,
            TargetRevision = TargetRevision,
            FailureReason = reason is null ? null : Masker.Mask(reason),
            HelmError = helmResult is { Succeeded: false } ? Masker.Mask(helmResult.StandardError.Trim()) : null,
            Diagnosis = Diagnosis,
            Verification = Verification?.MaskedWith(Masker.Mask),
            RollbackVerification = RollbackVerification?.MaskedWith(Masker.Mask),
            Preflight = Preflight?.MaskedWith(Masker) is { } plan ? plan with { Rendered = [] } : null, // the render holds the chart's Secrets
            ExternalConfig = ExternalConfig,
            ConfigChanges = ConfigChanges,
            Migrations = Migrations is null ? null : Migrations with
            {
                Findings = [.. Migrations.Findings.Select(f => f with { File = Masker.Mask(f.File), Statement = Masker.Mask(f.Statement) })],
                Problems = [.. Migrations.Problems.Select(Masker.Mask)],
            },
            Actions = [.. _actions],
            Warnings = [.. _warnings],
            Advice = [.. DeployAdvice.From(request, History.Entries, Rollout).Select(Masker.Mask)],
            ReplacedPods = [.. _replaced],
            StuckPods = [.. _stuck],
            Phases = [.. _phases, .. _open.Select(p => new PhaseTiming(p.Name, p.Started, now - p.Started))],
            MigrationHooks = [.. MigrationHooks.Select(m => m with { LastLogLines = [.. m.LastLogLines.Select(Masker.Mask)] })],
            StoppedAfterMigration = StoppedAfterMigration,
            Timeline = [.. _timeline.OrderBy(t => t.At)],
            History = History.Entries,
            Duration = now - _start,
        };
    }

    private sealed class PhaseScope(OutcomeBuilder outcome, string name, DateTimeOffset started) : IDisposable
    {
        public string Name => name;

        public DateTimeOffset Started => started;

        public void Dispose()
        {
            if (outcome._open.Remove(this))
            {
                outcome._phases.Add(new PhaseTiming(name, started, outcome.Time.GetUtcNow() - started));
            }
        }
    }
}
