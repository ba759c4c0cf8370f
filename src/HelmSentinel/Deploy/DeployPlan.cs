using HookResource = HelmSentinel.Kubernetes.HookResource;
using HelmSentinel.Plan;

namespace HelmSentinel.Deploy;

/// <summary>How a plan ended.</summary>
public enum PlanResult
{
    /// <summary>Made, with no blocking finding (exit 0).</summary>
    Planned,

    /// <summary>Made, with at least one blocking finding: the upgrade would fail, or leave pods that cannot start (exit 3).</summary>
    Blocked,

    /// <summary>Not made: bad input, or a chart that does not render (exit 3).</summary>
    Rejected,

    /// <summary>Not made: the cluster or helm cannot be reached (exit 4).</summary>
    Unreachable,
}

/// <summary>What an upgrade would do, before it runs: the objects it changes, field by field, and what the preflight found.</summary>
public sealed record DeployPlan
{
    /// <summary>The release.</summary>
    public required string Release { get; init; }

    /// <summary>Its namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The chart reference as given.</summary>
    public required string Chart { get; init; }

    /// <summary>How it ended.</summary>
    public required PlanResult Result { get; init; }

    /// <summary>Why it was not made (<see cref="PlanResult.Rejected"/>, <see cref="PlanResult.Unreachable"/>); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>The inputs that were refused, for a rejected request.</summary>
    public IReadOnlyList<InputError> InputErrors { get; init; } = [];

    /// <summary>The revision the plan compares with (the deployed one); null for a first install.</summary>
    public int? DeployedRevision { get; init; }

    /// <summary>The chart and app version of the deployed revision; null for a first install.</summary>
    public ChartSnapshot? Before { get; init; }

    /// <summary>The chart and app version the upgrade installs; null when it did not render.</summary>
    public ChartSnapshot? After { get; init; }

    /// <summary>Every object of either side, in kind and name order.</summary>
    public IReadOnlyList<ObjectChange> Changes { get; init; } = [];

    /// <summary>What the preflight found, blocking first.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>What the reader should know about how the plan was made (e.g. rendered without the cluster).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The size of the release record helm would store, in bytes (0 when not rendered).</summary>
    public long ReleaseBytes { get; init; }

    /// <summary>The objects the upgrade would apply, hooks included, as rendered (Secrets with their data): for the deploy that
    /// made this plan as its preflight, which takes them and keeps them out of its outcome. Never printed.</summary>
    internal IReadOnlyList<ManifestObject> Rendered { get; init; } = [];

    /// <summary>The Job and Pod hooks the upgrade would run, as rendered (for the migration guard); null when the plan did
    /// not get that far. Not masked and never reported: only their names, labels and commands are looked at.</summary>
    internal IReadOnlyList<HookResource>? ProposedHooks { get; init; }

    /// <summary>True when an object is added, removed or changed.</summary>
    public bool HasChanges => Changes.Any(c => c.Action is not ChangeAction.Unchanged);

    /// <summary>The number of blocking findings.</summary>
    public int BlockingCount => Findings.Count(f => f.Severity is FindingSeverity.Blocking);

    /// <summary>One line: <c>2 to add, 1 to change, 0 to remove, 5 unchanged; 1 blocking finding, 2 warnings</c>.</summary>
    public string Summary
    {
        get
        {
            var c = Changes;
            var warnings = Findings.Count - BlockingCount;
            return $"{c.Count(x => x.Action is ChangeAction.Added)} to add, {c.Count(x => x.Action is ChangeAction.Changed)} to change, " +
                   $"{c.Count(x => x.Action is ChangeAction.Removed)} to remove, {c.Count(x => x.Action is ChangeAction.Unchanged)} unchanged; " +
                   $"{BlockingCount} blocking finding{(BlockingCount == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}";
        }
    }

    /// <summary>0 made without blocking findings, 3 blocked or rejected, 4 unreachable.</summary>
    public int ExitCode => Result switch
    {
        PlanResult.Planned => ExitCodes.Succeeded,
        PlanResult.Unreachable => ExitCodes.Unreachable,
        _ => ExitCodes.Rejected,
    };

    /// <summary>The same plan with every text masked (values the user marked secret, in all their encodings).</summary>
    public DeployPlan MaskedWith(SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(masker);
        if (!masker.HasSecrets)
        {
            return this;
        }

        string? M(string? text) => text is null ? null : masker.Mask(text);
        return this with
        {
            Error = M(Error),
            InputErrors = [.. InputErrors.Select(e => e with { Message = masker.Mask(e.Message) })],
            Changes = [.. Changes.Select(c => c with
            {
                Fields = [.. c.Fields.Select(f => f with { Path = masker.Mask(f.Path), Before = M(f.Before), After = M(f.After), Lines = f.Lines?.Select(masker.Mask).ToList() })],
            })],
            Findings = [.. Findings.Select(f => f with { Message = masker.Mask(f.Message), Fix = masker.Mask(f.Fix) })],
            Notes = [.. Notes.Select(masker.Mask)],
        };
    }
}
