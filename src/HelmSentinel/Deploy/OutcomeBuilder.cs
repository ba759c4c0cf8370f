using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;

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

    /// <summary>Masks the request's secrets.</summary>
    public SecretMasker Masker { get; } = new(request.Secrets);

    /// <summary>The deploy's clock.</summary>
    public TimeProvider Time => time;

    public RolloutDiagnosis? Diagnosis { get; set; }

    public string? HelmVersion { get; set; }

    public ReleaseHistory History { get; set; } = ReleaseHistory.Empty;

    public bool FirstInstall { get; set; }

    public bool Uninstalled { get; set; }

    public int? PreviousRevision { get; set; }

    public int? AttemptedRevision { get; set; }

    public int? RestoredRevision { get; set; }

    public int? CurrentRevision { get; set; }

    public ChartSnapshot? Before { get; set; }

    public ChartSnapshot? After { get; set; }

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
    public IDisposable Phase(string name) => new PhaseScope(this, name, time.GetUtcNow());

    /// <summary>A moment worth the timeline.</summary>
    public void Mark(string what) => _timeline.Add(new TimelineEvent(time.GetUtcNow(), Masker.Mask(what)));

    /// <summary>The outcome, as far as the deploy has got: phases still running are not in it.</summary>
    public DeployOutcome End(DeployResult result, string? reason, HelmProcessResult? helmResult = null) => new()
    {
        Result = result,
        Release = request.Release,
        Namespace = request.Namespace,
        ChartReference = request.Chart,
        HelmVersion = HelmVersion,
        FirstInstall = FirstInstall,
        Before = Before,
        After = After,
        PreviousRevision = PreviousRevision,
        AttemptedRevision = AttemptedRevision,
        RestoredRevision = RestoredRevision,
        CurrentRevision = CurrentRevision,
        Uninstalled = Uninstalled,
        FailureReason = reason is null ? null : Masker.Mask(reason),
        HelmError = helmResult is { Succeeded: false } ? Masker.Mask(helmResult.StandardError.Trim()) : null,
        Diagnosis = Diagnosis,
        Actions = [.. _actions],
        Warnings = [.. _warnings],
        Phases = [.. _phases],
        Timeline = [.. _timeline],
        History = History.Entries,
        Duration = time.GetUtcNow() - _start,
    };

    private sealed class PhaseScope(OutcomeBuilder outcome, string name, DateTimeOffset started) : IDisposable
    {
        public void Dispose() => outcome._phases.Add(new PhaseTiming(name, started, outcome.Time.GetUtcNow() - started));
    }
}
