namespace HelmSentinel.Helm;

/// <summary>
/// What <c>helm upgrade --install</c> is asked to do, in helm's own terms; <see cref="HelmArguments"/> turns it into the
/// argument list of the detected dialect. The explicit rollback of the same deploy reuses its wait, history and force settings.
/// </summary>
public sealed record HelmUpgrade
{
    /// <summary>The release and its cluster.</summary>
    public required HelmTarget Target { get; init; }

    /// <summary>Chart reference: a local folder, a packaged <c>.tgz</c>, <c>repo/name</c> or <c>oci://…</c>.</summary>
    public required string Chart { get; init; }

    /// <summary>Values files, in order (<c>--values</c>).</summary>
    public IReadOnlyList<string> ValuesFiles { get; init; } = [];

    /// <summary><c>--set</c> pairs.</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary><c>--set-string</c> pairs.</summary>
    public IReadOnlyList<string> SetString { get; init; } = [];

    /// <summary><c>--set-file</c> pairs.</summary>
    public IReadOnlyList<string> SetFile { get; init; } = [];

    /// <summary><c>--version</c>, when given.</summary>
    public string? ChartVersion { get; init; }

    /// <summary><c>--timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>--history-max</c>.</summary>
    public int HistoryMax { get; init; } = 10;

    /// <summary>Helm 4's wait strategy (<c>watcher</c> or <c>legacy</c>); Helm 3 always uses its own poller.</summary>
    public string WaitStrategy { get; init; } = "watcher";

    /// <summary>Helm's own rollback on failure (Helm 3 <c>--atomic</c>, Helm 4 <c>--rollback-on-failure</c>); off, helm
    /// leaves a failed (or interrupted) upgrade's revision <c>failed</c> and in place, and still waits.</summary>
    public bool RollbackOnFailure { get; init; } = true;

    /// <summary><c>--wait-for-jobs</c>.</summary>
    public bool WaitForJobs { get; init; }

    /// <summary><c>--create-namespace</c>.</summary>
    public bool CreateNamespace { get; init; }

    /// <summary>Helm 3 <c>--force</c>, Helm 4 <c>--force-replace</c>.</summary>
    public bool Force { get; init; }

    /// <summary><c>--reuse-values</c>.</summary>
    public bool ReuseValues { get; init; }

    /// <summary><c>--reset-values</c>.</summary>
    public bool ResetValues { get; init; }

    /// <summary><c>--description</c>, when given.</summary>
    public string? Description { get; init; }

    /// <summary>Release labels for the new revision (<c>--labels</c>, merged by helm with the previous revision's; a value of
    /// <c>null</c> deletes the key). Keys and values must be label-safe: they hold no <c>,</c> or <c>=</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Further flags, appended as given; none of them may be in <see cref="HelmArguments.OwnedFlags"/>.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
}
