using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.TestSupport;
using HelmSentinel.Tests.Support;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// <c>helm-sentinel rollback</c>'s engine against the simulator with the real Helm 3.17.2 and 4.1.4: to the last good
/// revision, to a chosen one, the refusals (nothing changed), and a target that does not come up (what ran before is put
/// back, exit 2); a rollback that goes back over a completed migration hook says so. The revisions before are written
/// with helm itself, as people and other tools write them.
/// </summary>
public sealed class RollbackScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ToTheLastGoodRevision_ThenToAChosenOne_EachIsDeployedAndServes(int major)
    {
        var release = $"rbgood{major}";
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.25.0");
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.26.0", "migrate.enabled=true", "migrate.image=sim.local/complete");
        await HelmUpgradeAsync(major, release, wait: false, "image.repository=sim.local/crash"); // deployed, but crashing

        var lastGood = await cluster.Engine(_log).RollbackAsync(Rollback(major, release, null));

        lastGood.Result.Should().Be(DeployResult.Succeeded, lastGood.FailureReason);
        lastGood.ExitCode.Should().Be(0);
        lastGood.TargetRevision.Should().Be(2);
        lastGood.RestoredRevision.Should().Be(4);
        lastGood.History[^1].Should().Match<HistoryEntry>(e => e.Revision == 4 && e.Status == ReleaseStatus.Deployed && e.Description == "Rollback to 2");
        TextReport.Headline(lastGood).Should().Be($"{release} rolled back to revision 2 (now revision 4)");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.26.0"), "revision 2's template serves, no crashing pod left");
        lastGood.Warnings.Should().NotContain(w => w.Contains("migration", StringComparison.Ordinal), "revision 3, gone back over, ran no migration");

        var chosen = await cluster.Engine(_log).RollbackAsync(Rollback(major, release, 1));

        chosen.Result.Should().Be(DeployResult.Succeeded, chosen.FailureReason);
        chosen.TargetRevision.Should().Be(1);
        chosen.Warnings.Should().Contain(
            $"the rollback to revision 1 goes back over migration hook `Job/{release}-migrate` (revision 2) that completed: it restores revision 1's code, " +
            "not the schema; revision 1 has no pre-rollback hook (no down migration runs)");
        chosen.History[^1].Should().Match<HistoryEntry>(e => e.Revision == 5 && e.Status == ReleaseStatus.Deployed && e.Description == "Rollback to 1");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"), "revision 1's template serves");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Refusals_ChangeNothing_AndAFailingTarget_IsStoppedAndWhatRanBeforeIsPutBack(int major)
    {
        var release = $"rbrefuse{major}";
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.25.0");
        var failed = await cluster.HelmAsync(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release,
            "--wait", "--timeout", "3s", "--set", "image.repository=sim.local/crash");
        failed.Succeeded.Should().BeFalse("revision 2 must end failed: " + failed.StandardOutput);
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.27.0");
        var before = await HistoryAsync(major, release);
        before.Entries.Select(e => e.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        var engine = cluster.Engine(_log);

        foreach (var (target, why) in new (int, string)[]
                 {
                     (9, "revision 9 does not exist: the newest revision"),
                     (3, "revision 3 is the current revision"),
                     (2, "revision 2 failed when it was deployed"),
                 })
        {
            var refused = await engine.RollbackAsync(Rollback(major, release, target));

            refused.Result.Should().Be(DeployResult.Rejected, $"revision {target} must be refused");
            refused.ExitCode.Should().Be(3);
            refused.FailureReason.Should().Contain(why).And.EndWith("(nothing was changed)");
            TextReport.Headline(refused).Should().Be($"{release} rollback refused: nothing was changed");
            (await HistoryAsync(major, release)).Entries.Should().Equal(before.Entries, $"the refused rollback to {target} changed nothing");
        }

        // With allow-failed-target the crashing revision 2 is tried: fail-fast stops it, and revision 3 is put back.
        var broken = await engine.RollbackAsync(Rollback(major, release, 2) with { Rollback = new RollbackTarget(2, AllowFailedTarget: true) });

        broken.Result.Should().Be(DeployResult.RollbackFailed, broken.FailureReason);
        broken.ExitCode.Should().Be(2);
        broken.Diagnosis.Should().NotBeNull();
        broken.FailureReason.Should().StartWith("the rollback to revision 2 failed: ").And.Contain("CrashLoopBackOff")
            .And.Contain("revision 3, which ran before, was put back as revision 5");
        var after = await HistoryAsync(major, release);
        after.PendingLock.Should().BeNull("the put-back writes over the killed rollback's pending revision");
        after.Latest.Should().Match<HistoryEntry>(e => e.Revision == 5 && e.Status == ReleaseStatus.Deployed && e.Description == "Rollback to 3");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.27.0"), "revision 3's template serves again");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AReleaseAHelmHoldsNow_IsRefused(int major)
    {
        var release = $"rblocked{major}";
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.25.0");
        await HelmUpgradeAsync(major, release, wait: true, "image.tag=1.26.0");
        using var helm = cluster.StartHelm(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release,
            "--wait", "--timeout", "2m", "--set", "image.repository=sim.local/never-ready");
        try
        {
            await WaitUntilAsync(() => cluster.LatestReleaseStatus(release) == ReleaseStatus.PendingUpgrade, "helm holds the lock");

            var refused = await cluster.Engine(_log).RollbackAsync(Rollback(major, release, 1));

            refused.Result.Should().Be(DeployResult.Rejected, refused.FailureReason);
            refused.FailureReason.Should().Contain("another helm seems to hold the release");
            cluster.LatestReleaseStatus(release).Should().Be(ReleaseStatus.PendingUpgrade, "the live upgrade's lock is left alone");
        }
        finally
        {
            helm.Kill(entireProcessTree: true);
            await helm.WaitForExitAsync();
        }
    }

    private DeployRequest Rollback(int major, string release, int? revision) =>
        cluster.Request(major, release) with { Chart = "", CreateNamespace = false, Rollback = new RollbackTarget(revision) };

    private async Task HelmUpgradeAsync(int major, string release, bool wait, params string[] set)
    {
        string[] args = ["upgrade", release, Tools.Chart("fixture-web"), "--install", "--namespace", release, "--create-namespace"];
        if (wait)
        {
            args = [.. args, "--wait", "--timeout", "30s"];
        }

        foreach (var pair in set)
        {
            args = [.. args, "--set", pair];
        }

        var result = await cluster.HelmAsync(major, args);
        result.Succeeded.Should().BeTrue(result.StandardError);
    }

    private async Task<ReleaseHistory> HistoryAsync(int major, string release)
    {
        var result = await cluster.HelmAsync(major, "history", release, "--namespace", release, "-o", "json");
        result.Succeeded.Should().BeTrue(result.StandardError);
        return ReleaseHistory.Parse(result.StandardOutput);
    }
}
