using HelmSentinel.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>What to do about a <c>pending-*</c> latest revision before upgrading.</summary>
public enum LockAction
{
    /// <summary>No lock: the latest revision is not pending. Go ahead.</summary>
    None,

    /// <summary>The lock is young enough that a live helm may still hold it: refuse, and let it finish.</summary>
    FailInProgress,

    /// <summary>A stale <c>pending-upgrade</c>/<c>pending-rollback</c>: roll back to <see cref="LockDecision.TargetRevision"/>, then upgrade.</summary>
    RollbackToLastGood,

    /// <summary>A stale <c>pending-install</c>: uninstall with <c>--keep-history</c>, so the next upgrade installs afresh.</summary>
    UninstallKeepHistory,

    /// <summary>The lock is stale, but recovery is switched off: refuse, and say how to clear it by hand.</summary>
    FailNoRecovery,

    /// <summary>A stale <c>pending-upgrade</c>/<c>pending-rollback</c> with no good revision to roll back to: refuse.</summary>
    FailNoGoodRevision,
}

/// <summary>The outcome of <see cref="StaleLockPolicy.Decide"/>.</summary>
/// <param name="Action">What to do.</param>
/// <param name="PendingRevision">The pending revision, when there is one.</param>
/// <param name="PendingStatus">Its status (<c>pending-install</c>, <c>pending-upgrade</c> or <c>pending-rollback</c>).</param>
/// <param name="TargetRevision">The revision to roll back to, for <see cref="LockAction.RollbackToLastGood"/>.</param>
/// <param name="Age">How long the revision has been pending; null when Helm recorded no time (or there is no lock).</param>
/// <param name="Explanation">One sentence for people: what was found, why it is (not) stale, what happens.</param>
public sealed record LockDecision(
    LockAction Action,
    int? PendingRevision,
    string? PendingStatus,
    int? TargetRevision,
    TimeSpan? Age,
    string Explanation)
{
    /// <summary>True when the engine must clear the lock before upgrading.</summary>
    public bool RequiresRecovery => Action is LockAction.RollbackToLastGood or LockAction.UninstallKeepHistory;

    /// <summary>True when the deploy must stop here.</summary>
    public bool IsRefusal => Action is LockAction.FailInProgress or LockAction.FailNoRecovery or LockAction.FailNoGoodRevision;
}

/// <summary>
/// Decides whether a <c>pending-*</c> latest revision is a live operation or a lock left behind by a killed
/// helm (a cancelled CI job is a SIGKILL, which leaves <c>pending-upgrade</c>), and how to clear it. No live
/// helm can hold a lock longer than its <c>--timeout</c>, so a lock older than timeout + margin is stale.
/// </summary>
public static class StaleLockPolicy
{
    /// <summary>Decides what to do about the history's pending lock, if any.</summary>
    /// <param name="history">The release history.</param>
    /// <param name="now">The current time.</param>
    /// <param name="timeout">The helm timeout in force (the longest a live operation can run).</param>
    /// <param name="margin">Extra age required on top of <paramref name="timeout"/> (clock skew, slow starts).</param>
    /// <param name="recover">Whether a stale lock may be cleared automatically.</param>
    public static LockDecision Decide(ReleaseHistory history, DateTimeOffset now, TimeSpan timeout, TimeSpan margin, bool recover)
    {
        ArgumentNullException.ThrowIfNull(history);
        var pending = history.PendingLock;
        if (pending is null)
        {
            var latest = history.Latest;
            return new LockDecision(
                LockAction.None,
                null,
                null,
                null,
                null,
                latest is null
                    ? "the release has no revisions, so there is no lock"
                    : $"no lock: the latest revision {latest.Revision} is {latest.Status}");
        }

        var age = pending.Updated is { } updated ? (TimeSpan?)Max(now - updated, TimeSpan.Zero) : null;
        var limit = timeout + margin;
        var subject = $"revision {pending.Revision} has been {pending.Status}";
        var limitText = $"timeout {GoDuration.FormatCompact(timeout)} + margin {GoDuration.FormatCompact(margin)}";

        if (age is { } known && known <= limit)
        {
            return new LockDecision(
                LockAction.FailInProgress,
                pending.Revision,
                pending.Status,
                null,
                age,
                $"{subject} for {GoDuration.FormatCompact(known)} (within {limitText}): another helm may still be working on it; " +
                "try again once it has finished");
        }

        var staleness = age is { } old
            ? $"{subject} for {GoDuration.FormatCompact(old)} (longer than {limitText}): no live helm can hold it"
            : $"revision {pending.Revision} is {pending.Status} with no recorded time, so its age is unknown: treated as stale";

        if (!recover)
        {
            return new LockDecision(
                LockAction.FailNoRecovery,
                pending.Revision,
                pending.Status,
                null,
                age,
                $"{staleness}; automatic recovery is off, so clear it by hand ({ManualFix(pending, history.LastGood)}) " +
                "or turn recover-stale-lock on");
        }

        if (pending.Status == ReleaseStatus.PendingInstall)
        {
            return new LockDecision(
                LockAction.UninstallKeepHistory,
                pending.Revision,
                pending.Status,
                null,
                age,
                $"{staleness}; the interrupted operation was an install, so uninstalling it (keeping the history) " +
                "and installing again");
        }

        var lastGood = history.LastGood;
        if (lastGood is null)
        {
            return new LockDecision(
                LockAction.FailNoGoodRevision,
                pending.Revision,
                pending.Status,
                null,
                age,
                $"{staleness}; but no earlier revision is deployed or superseded, so there is nothing safe to roll back to; " +
                $"clear it by hand ({ManualFix(pending, null)})");
        }

        return new LockDecision(
            LockAction.RollbackToLastGood,
            pending.Revision,
            pending.Status,
            lastGood.Revision,
            age,
            $"{staleness}; rolling back to revision {lastGood.Revision}");
    }

    private static string ManualFix(HistoryEntry pending, HistoryEntry? lastGood) =>
        lastGood is not null && pending.Status != ReleaseStatus.PendingInstall
            ? $"helm rollback to revision {lastGood.Revision}, or delete the Secret sh.helm.release.v1.<release>.v{pending.Revision}"
            : $"helm uninstall, or delete the Secret sh.helm.release.v1.<release>.v{pending.Revision}";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
