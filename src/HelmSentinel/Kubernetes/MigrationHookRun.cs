namespace HelmSentinel.Kubernetes;

/// <summary>One migration hook of the upgrade, as the rollout watcher saw it run.</summary>
/// <param name="Hook">The hook as <c>Kind/name</c> (<c>Job/shop-migrate</c>).</param>
/// <param name="Events">Its <c>helm.sh/hook</c> events (<c>pre-upgrade</c>, …).</param>
public sealed record MigrationHookRun(string Hook, IReadOnlyList<string> Events)
{
    /// <summary>When the watcher first saw it (created by helm), on the deploy's clock.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When the watcher saw it end (completed or failed); null while it runs or when its end was not seen.</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary>True when it completed (the Job's <c>Complete</c> condition, or the Pod <c>Succeeded</c>).</summary>
    public bool Completed { get; init; }

    /// <summary>The exit code of its pod's last terminated container, when one was seen.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The pod that ran it last.</summary>
    public string? Pod { get; init; }

    /// <summary>The last lines of that pod's log, read when it ended (before helm's delete policy removes it), masked;
    /// empty when the pod was gone before they could be read.</summary>
    public IReadOnlyList<string> LastLogLines { get; init; } = [];
}
