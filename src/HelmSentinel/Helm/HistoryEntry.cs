namespace HelmSentinel.Helm;

/// <summary>One revision as <c>helm history -o json</c> prints it (same keys in Helm 3 and 4).</summary>
/// <param name="Revision">The revision number.</param>
/// <param name="Updated">When it was last deployed; null when Helm printed no time (Helm 4 omits a zero time).</param>
/// <param name="Status">Helm's status string: deployed, superseded, failed, pending-upgrade, …</param>
/// <param name="Chart">Chart as <c>name-version</c>, or <c>MISSING</c>.</param>
/// <param name="AppVersion">The chart's appVersion.</param>
/// <param name="Description">Helm's description, e.g. <c>Upgrade complete</c> or <c>Rollback to 3</c>.</param>
public sealed record HistoryEntry(
    int Revision,
    DateTimeOffset? Updated,
    string Status,
    string Chart,
    string AppVersion,
    string Description)
{
    /// <summary>True for <c>deployed</c> and <c>superseded</c>: a revision that once ran healthy and can be rolled back to.</summary>
    public bool IsGood => Status is ReleaseStatus.Deployed or ReleaseStatus.Superseded;

    /// <summary>True for the three <c>pending-*</c> statuses: an operation holds (or held) the release lock.</summary>
    public bool IsPending => Status is ReleaseStatus.PendingInstall or ReleaseStatus.PendingUpgrade or ReleaseStatus.PendingRollback;
}
