using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Deploy;

public class StaleLockPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private static HistoryEntry Rev(int revision, string status, double? minutesAgo = 60) =>
        new(revision, minutesAgo is { } m ? Now.AddMinutes(-m) : null, status, $"web-1.{revision}.0", $"1.{revision}", "x");

    private static LockDecision Decide(bool recover, params HistoryEntry[] entries) =>
        StaleLockPolicy.Decide(new ReleaseHistory(entries), Now, Timeout, Margin, recover);

    [Fact]
    public void Decide_NoHistory_ReturnsNone()
    {
        var decision = StaleLockPolicy.Decide(ReleaseHistory.Empty, Now, Timeout, Margin, recover: true);

        decision.Action.Should().Be(LockAction.None);
        decision.RequiresRecovery.Should().BeFalse();
        decision.IsRefusal.Should().BeFalse();
    }

    [Theory]
    [InlineData("deployed")]
    [InlineData("failed")]
    [InlineData("uninstalled")]
    public void Decide_LatestNotPending_ReturnsNone(string status)
    {
        var decision = Decide(true, Rev(1, "superseded"), Rev(2, status));

        decision.Action.Should().Be(LockAction.None);
        decision.Explanation.Should().Contain($"revision 2 is {status}");
    }

    [Fact]
    public void Decide_YoungPendingUpgrade_FailsAsInProgress()
    {
        var decision = Decide(true, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: 2));

        decision.Action.Should().Be(LockAction.FailInProgress);
        decision.Age.Should().Be(TimeSpan.FromMinutes(2));
        decision.PendingRevision.Should().Be(2);
        decision.IsRefusal.Should().BeTrue();
        decision.Explanation.Should().Be(
            "revision 2 has been pending-upgrade for 2m (within timeout 5m + margin 1m): another helm may still be working on it; try again once it has finished");
    }

    [Fact]
    public void Decide_PendingExactlyAtTheLimit_IsNotYetStale()
    {
        Decide(true, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: 6)).Action.Should().Be(LockAction.FailInProgress);
    }

    [Fact]
    public void Decide_StalePendingUpgrade_RollsBackToTheLastGoodRevision()
    {
        var decision = Decide(true, Rev(3, "superseded"), Rev(4, "deployed"), Rev(5, "pending-upgrade", minutesAgo: 12));

        decision.Action.Should().Be(LockAction.RollbackToLastGood);
        decision.TargetRevision.Should().Be(4);
        decision.PendingRevision.Should().Be(5);
        decision.PendingStatus.Should().Be("pending-upgrade");
        decision.Age.Should().Be(TimeSpan.FromMinutes(12));
        decision.RequiresRecovery.Should().BeTrue();
        decision.Explanation.Should().Be(
            "revision 5 has been pending-upgrade for 12m (longer than timeout 5m + margin 1m): no live helm can hold it; rolling back to revision 4");
    }

    [Fact]
    public void Decide_StalePendingUpgradeAfterFailures_SkipsFailedRevisions()
    {
        var decision = Decide(true, Rev(1, "deployed"), Rev(2, "failed"), Rev(3, "failed"), Rev(4, "pending-upgrade", minutesAgo: 30));

        decision.Action.Should().Be(LockAction.RollbackToLastGood);
        decision.TargetRevision.Should().Be(1);
    }

    [Fact]
    public void Decide_StalePendingRollback_RollsBackToTheLastGoodRevision()
    {
        var decision = Decide(true, Rev(1, "superseded"), Rev(2, "failed"), Rev(3, "pending-rollback", minutesAgo: 30));

        decision.Action.Should().Be(LockAction.RollbackToLastGood);
        decision.TargetRevision.Should().Be(1);
    }

    [Fact]
    public void Decide_StalePendingInstall_UninstallsKeepingHistory()
    {
        var decision = Decide(true, Rev(1, "pending-install", minutesAgo: 30));

        decision.Action.Should().Be(LockAction.UninstallKeepHistory);
        decision.TargetRevision.Should().BeNull();
        decision.Explanation.Should().Contain("install").And.Contain("keeping the history");
    }

    [Fact]
    public void Decide_StalePendingUpgradeWithOnlyFailedBefore_FailsWithNoGoodRevision()
    {
        var decision = Decide(true, Rev(1, "failed"), Rev(2, "pending-upgrade", minutesAgo: 30));

        decision.Action.Should().Be(LockAction.FailNoGoodRevision);
        decision.IsRefusal.Should().BeTrue();
        decision.Explanation.Should().Contain("nothing safe to roll back to").And.Contain("sh.helm.release.v1.<release>.v2");
    }

    [Fact]
    public void Decide_StaleLockWithRecoveryOff_FailsWithoutRecovery()
    {
        var decision = Decide(false, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: 30));

        decision.Action.Should().Be(LockAction.FailNoRecovery);
        decision.TargetRevision.Should().BeNull();
        decision.Explanation.Should().Contain("recovery is off").And.Contain("helm rollback to revision 1");
    }

    [Fact]
    public void Decide_YoungLockWithRecoveryOff_StillSaysInProgress()
    {
        Decide(false, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: 1)).Action.Should().Be(LockAction.FailInProgress);
    }

    [Fact]
    public void Decide_PendingWithoutTime_IsTreatedAsStale()
    {
        var decision = Decide(true, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: null));

        decision.Action.Should().Be(LockAction.RollbackToLastGood);
        decision.Age.Should().BeNull();
        decision.Explanation.Should().Contain("no recorded time").And.Contain("unknown");
    }

    [Fact]
    public void Decide_PendingFromTheFuture_CountsAsZeroAgeAndInProgress()
    {
        var decision = Decide(true, Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: -3));

        decision.Action.Should().Be(LockAction.FailInProgress);
        decision.Age.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Decide_ZeroMargin_UsesTheTimeoutAlone()
    {
        var history = new ReleaseHistory([Rev(1, "deployed"), Rev(2, "pending-upgrade", minutesAgo: 5.5)]);

        StaleLockPolicy.Decide(history, Now, Timeout, TimeSpan.Zero, recover: true).Action.Should().Be(LockAction.RollbackToLastGood);
    }
}
