using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The migration guard with the real Helm 3 and 4 against the simulator: an upgrade whose pre-upgrade migration Job
/// succeeds and whose application then crashes. Rolled back by default, with the migration named first in the reason
/// and the hook's log kept; left failed (exit 2) with <c>on-failure-after-migration: stop</c>.
/// </summary>
public sealed class MigrationGuardScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACrashAfterACompletedMigration_IsRolledBack_WithTheMigrationFirstInTheReport(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, [.. Migration, "image.repository=sim.local/crash"]));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        var hook = outcome.MigrationHooks.Should().ContainSingle().Which;
        hook.Hook.Should().Be($"Job/{release}-migrate");
        hook.Completed.Should().BeTrue();
        hook.ExitCode.Should().Be(0);
        hook.LastLogLines.Should().Contain(l => l.EndsWith(" starting slow-4", StringComparison.Ordinal),
            "the hook pod's log is followed while it runs, so helm's hook-succeeded policy deleting it at once loses nothing");

        var firstLine = outcome.FailureReason!.Split('\n')[0];
        firstLine.Should().MatchRegex($"^migration hook `Job/{release}-migrate` completed at \\+[0-9.]+m?s; rolling back restores revision 1's code, not the schema; ")
            .And.Contain("revision 1 has no pre-rollback hook (no down migration runs)")
            .And.EndWith("the chart being deployed declares no pre-rollback hook");
        outcome.FailureReason.Split('\n')[1].Should().StartWith(outcome.Diagnosis!.Summary, "the rollout's own failure follows");
        outcome.Timeline.Select(t => t.What).Should().ContainInOrder(
            "upgrade started", $"migration hook Job/{release}-migrate started", $"migration hook Job/{release}-migrate completed (exit code 0)",
            "first fatal state: " + outcome.Diagnosis.Summary);

        TextReport.Render(outcome, SecretMasker.None).Should().Contain("reason: " + firstLine + "\n")
            .And.Contain($"migration hooks:\n  - Job/{release}-migrate (pre-upgrade): completed, exit code 0, pod {hook.Pod}\n      | {hook.LastLogLines[0]}");
        var markdown = MarkdownReport.Render(outcome, SecretMasker.None);
        markdown.Should().Contain("#### Why\n\n- " + Markdown.EscapeInline(firstLine) + "\n").And.Contain("#### Migration hooks").And.Contain(hook.LastLogLines[^1]);
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"), "v1's template is back");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACrashAfterACompletedMigration_WithStop_LeavesTheFailedReleaseForARollForward(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(
            Request(major, release, [.. Migration, "image.repository=sim.local/crash"]) with { OnFailureAfterMigration = MigrationGuard.Stop });

        outcome.Result.Should().Be(DeployResult.RollbackFailed, outcome.FailureReason);
        outcome.ExitCode.Should().Be(2);
        outcome.StoppedAfterMigration.Should().BeTrue();
        outcome.HelmError.Should().Contain("context canceled", "fail-fast interrupted helm")
            .And.NotContain("rolled back", "helm ran without its atomic rollback");
        outcome.FailureReason!.Split('\n')[0].Should().StartWith(
            $"migration hook `Job/{release}-migrate` completed at +").And.Contain("on-failure-after-migration is stop: revision 2 is left as it failed, for a roll-forward fix");
        outcome.MigrationHooks.Should().ContainSingle().Which.Completed.Should().BeTrue();
        TextReport.Headline(outcome).Should().Contain("left as it is for a roll-forward fix");
        NextSteps.For(outcome).Should().Contain(s => s.StartsWith("fix forward", StringComparison.Ordinal));

        var history = await cluster.HelmAsync(major, "history", release, "--namespace", release, "--output", "json");
        var entries = ReleaseHistory.Parse(history.StandardOutput).Entries;
        entries.Select(e => (e.Revision, e.Status)).Should().Equal((1, ReleaseStatus.Deployed), (2, ReleaseStatus.Failed));
        entries[^1].Description.Should().Contain("context canceled", "no rollback revision was written");
        var deployment = cluster.Simulator.Store.Get(HelmSentinel.Simulator.Storage.ResourceTypes.Deployments, release, release)!;
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>()
            .Should().Be("sim.local/crash:1.25.0", "the failed revision's template is left in place");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task WithFailFastOff_TheReleaseRecordSaysTheMigrationCompleted_AndStopLeavesTheRelease(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, [.. Migration, "image.repository=sim.local/crash"]) with
        {
            FailFast = false, Timeout = TimeSpan.FromSeconds(10), OnFailureAfterMigration = MigrationGuard.Stop,
        });

        outcome.Result.Should().Be(DeployResult.RollbackFailed, outcome.FailureReason);
        outcome.HelmError.Should().Contain("context deadline exceeded", "helm waited for its own timeout").And.NotContain("rolled back");
        outcome.MigrationHooks.Should().ContainSingle().Which.Should().Match<HelmSentinel.Kubernetes.MigrationHookRun>(
            r => r.Hook == $"Job/{release}-migrate" && r.Completed, "no watcher ran: helm's release record says the hook succeeded");
        outcome.FailureReason!.Split('\n')[0].Should().StartWith($"migration hook `Job/{release}-migrate` completed at +")
            .And.Contain("on-failure-after-migration is stop");
        var history = await cluster.HelmAsync(major, "history", release, "--namespace", release, "--output", "json");
        ReleaseHistory.Parse(history.StandardOutput).Entries.Select(e => e.Status).Should().Equal(ReleaseStatus.Deployed, ReleaseStatus.Failed);
    }

    // A migration that takes four seconds, as a real one takes a while: the watcher, which joins the upgrade a second or so
    // after helm started, sees it run.
    private static readonly string[] Migration = ["migrate.enabled=true", "migrate.image=sim.local/slow-4"];

    private DeployRequest Request(int major, string release, params string[] set) =>
        cluster.Request(major, release, set) with { Timeout = TimeSpan.FromSeconds(120) };
}
