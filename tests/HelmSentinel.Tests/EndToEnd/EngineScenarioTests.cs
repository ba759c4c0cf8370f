using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using HelmSentinel.Tests.Support;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The engine, unchanged, against the Kubernetes API simulator with the real Helm 3.17.2 and 4.1.4.
/// Each scenario uses its own release and namespace in one simulated cluster.
/// </summary>
public sealed class EngineScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FirstInstall_ThenHealthyUpgrade_Succeed(int major)
    {
        var release = $"happy{major}";
        var engine = cluster.Engine(_log);

        var install = await engine.DeployAsync(cluster.Request(major, release));
        var upgrade = await engine.DeployAsync(cluster.Request(major, release, "image.tag=1.27.0"));

        install.Result.Should().Be(DeployResult.Succeeded, install.FailureReason);
        install.FirstInstall.Should().BeTrue();
        upgrade.Result.Should().Be(DeployResult.Succeeded, upgrade.FailureReason);
        upgrade.PreviousRevision.Should().Be(1);
        upgrade.CurrentRevision.Should().Be(2);
        upgrade.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Deployed);
        ServingImages(release).Should().Equal("nginx:1.27.0");
    }

    [Theory]
    [InlineData(3, "image.repository=sim.local/crash")]
    [InlineData(4, "image.repository=sim.local/crash")]
    [InlineData(3, "image.repository=registry.example/missing")]
    [InlineData(4, "image.repository=registry.example/missing")]
    [InlineData(3, "resources.requests.memory=999Gi")]
    [InlineData(4, "resources.requests.memory=999Gi")]
    public async Task BrokenUpgrade_IsRolledBackAndTheOldPodsServe(int major, string breakage)
    {
        var release = TestNames.Release([major, breakage]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(cluster.Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(cluster.Request(major, release, breakage));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.ExitCode.Should().Be(1);
        outcome.PreviousRevision.Should().Be(1);
        outcome.AttemptedRevision.Should().Be(2);
        outcome.RestoredRevision.Should().Be(3);
        outcome.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        outcome.History[^1].Description.Should().Be("Rollback to 1");
        await WaitUntilAsync(() => ServingImages(release).SequenceEqual(["nginx:1.25.0"]), "v1's pods serve again");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment's template is v1's again and no pod of the broken template is left");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FailedFirstInstall_EndsUninstalled(int major)
    {
        var release = $"first{major}";

        var outcome = await cluster.Engine(_log).DeployAsync(cluster.Request(major, release, "image.repository=sim.local/crash"));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.Uninstalled.Should().BeTrue();
        var history = await cluster.HelmAsync(major, "history", release, "--namespace", release);
        history.StandardError.Should().Contain("release: not found");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task HelmKilledMidWait_LeavesAPendingLockThatTheEngineClears(int major)
    {
        var release = $"killed{major}";
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(cluster.Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        // A CI job cancelled hard: helm is SIGKILLed while it waits for a rollout that never gets ready.
        using (var helm = cluster.StartHelm(major, "upgrade", release, Tools.Chart("fixture-web"), "--install", "--namespace", release,
                   "--wait", "--timeout", "2m", "--set", "image.repository=sim.local/never-ready"))
        {
            await WaitUntilAsync(() => cluster.LatestReleaseStatus(release) == ReleaseStatus.PendingUpgrade, "helm holds the lock");
            helm.Kill(entireProcessTree: true);
            await helm.WaitForExitAsync();
        }

        var locked = await cluster.HelmAsync(major, "upgrade", release, Tools.Chart("fixture-web"), "--namespace", release);
        locked.StandardError.Should().Contain("another operation (install/upgrade/rollback) is in progress");

        // Ten minutes later (the lock is older than the timeout plus the margin), the engine clears it.
        var outcome = await cluster.Engine(_log, new ShiftedClock(TimeSpan.FromMinutes(10))).DeployAsync(cluster.Request(major, release));

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        outcome.Actions.Should().Contain(a => a.StartsWith("stale lock", StringComparison.Ordinal) && a.Contains("pending-upgrade", StringComparison.Ordinal));
        outcome.History.Select(h => (h.Revision, h.Status)).Should().Equal(
            (1, ReleaseStatus.Superseded),
            (2, ReleaseStatus.PendingUpgrade), // helm's rollback unlocks but does not rewrite the killed revision
            (3, ReleaseStatus.Superseded),
            (4, ReleaseStatus.Deployed));
        outcome.History[2].Description.Should().Be("Rollback to 1");
        (await cluster.HelmAsync(major, "status", release, "--namespace", release)).StandardOutput.Should().Contain("STATUS: deployed");
    }

    /// <summary>Images of the release's Ready pods.</summary>
    private List<string> ServingImages(string release) =>
        cluster.Simulator.Store.List(ResourceTypes.Pods, release)
            .Where(p => p["metadata"]?["deletionTimestamp"] is null && IsReady(p))
            .Select(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>())
            .Distinct()
            .ToList();

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
    }
}
