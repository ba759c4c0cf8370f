namespace HelmSentinel.GitOps;

/// <summary>
/// One reading of a GitOps application (an Argo CD Application, or a Flux Kustomization with its HelmReleases), in terms
/// every source shares. Each source applies its own rule for "synced to the wanted revision" (<see cref="AtRevision"/>);
/// the decision what that means for the deploy is made once, over these readings.
/// </summary>
public sealed record AppObservation
{
    /// <summary>When it was read (the clock of the watch).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The revision the application is synced or applied to now, as the source reports it (Argo CD
    /// <c>status.sync.revision</c>; Flux: the SHA of the Kustomization's last attempted revision); null when none yet.</summary>
    public string? Revision { get; init; }

    /// <summary>True when, by the source's own rule, the application is synced to the wanted revision (Argo CD: the sync
    /// revision and the operation's sync result revision are it and the operation succeeded; Flux: the Kustomization
    /// applied it and every HelmRelease reconciled its current generation). Health counts only then: an application
    /// Synced and Healthy at the old revision is not done.</summary>
    public required bool AtRevision { get; init; }

    /// <summary>The application's health now.</summary>
    public AppHealth Health { get; init; } = AppHealth.Unknown;

    /// <summary>The sync and operation state in the source's words, one line (e.g. <c>Synced, operation Succeeded</c>,
    /// <c>Kustomization Ready=True ReconciliationSucceeded</c>): the timeline shows it when it changes.</summary>
    public string Sync { get; init; } = "";

    /// <summary>A failure the source reports for the wanted revision, in its words (an operation <c>Failed</c> or
    /// <c>Error</c> with its message; a HelmRelease <c>Ready=False UpgradeFailed</c> or <c>Remediated</c>); null when none.</summary>
    public string? Failure { get; init; }

    /// <summary>The application's resources with their health, as far as the source reports them.</summary>
    public IReadOnlyList<AppResource> Resources { get; init; } = [];

    /// <summary>The application's deployment history, newest last.</summary>
    public IReadOnlyList<AppHistoryEntry> History { get; init; } = [];

    /// <summary>True when the application syncs by itself (Argo CD automated sync): Argo CD refuses a rollback then.</summary>
    public bool AutomatedSync { get; init; }
}

/// <summary>One resource of a GitOps application.</summary>
/// <param name="Kind">Its kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespace">Its namespace; null for a cluster-scoped resource.</param>
/// <param name="Name">Its name.</param>
/// <param name="Health">Its health; <see cref="AppHealth.Unknown"/> when not reported.</param>
/// <param name="Message">The health message, when there is one (e.g. <c>Deployment "web" exceeded its progress deadline</c>).</param>
public sealed record AppResource(string Kind, string? Namespace, string Name, AppHealth Health, string? Message = null)
{
    /// <summary>Its API group; empty for the core group.</summary>
    public string Group { get; init; } = "";

    /// <summary>Its sync status (Argo CD: <c>Synced</c>, <c>OutOfSync</c>), when reported.</summary>
    public string? SyncStatus { get; init; }

    /// <summary><c>Kind/namespace/name</c>, or <c>Kind/name</c> when cluster-scoped.</summary>
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>One entry of a GitOps application's deployment history.</summary>
/// <param name="Id">Its id (Argo CD's history id, which a rollback names; Flux: the Helm revision).</param>
/// <param name="Revision">The Git revision (Argo CD) or chart version (Flux) it deployed.</param>
/// <param name="DeployedAt">When it was deployed, when known.</param>
/// <param name="Status">Its status when the source keeps one (Flux: <c>deployed</c>, <c>failed</c>, <c>superseded</c>); null for Argo CD.</param>
public sealed record AppHistoryEntry(long Id, string Revision, DateTimeOffset? DeployedAt, string? Status = null);
