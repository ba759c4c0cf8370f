using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using Xunit.Abstractions;

namespace HelmSentinel.Simulator.Tests.Scenarios;

/// <summary>
/// The real helm binaries against the simulator: a healthy v1, then an atomic upgrade that cannot
/// become ready must fail, roll back to v1, and leave v1's pods serving.
/// </summary>
public sealed class AtomicUpgradeScenarioTests(SimulatorFixture fixture, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Happy_install_waits_for_a_complete_rollout_and_history_shows_it_deployed(int major)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var release = $"happy{major}";

        var install = await helm.InstallAsync(release);

        output.WriteLine($"helm {major} happy install took {install.Took.TotalSeconds:0.00}s");
        install.ExitCode.Should().Be(0, install.ToString());
        var deployment = helm.Simulator.Store.List(ResourceTypes.Deployments, "default",
            d => d["metadata"]!["labels"]?["app.kubernetes.io/instance"]?.GetValue<string>() == release).Single();
        deployment["status"]!["observedGeneration"]!.ToJsonString().Should().Be(deployment["metadata"]!["generation"]!.ToJsonString());
        deployment["status"]!["updatedReplicas"]!.GetValue<int>().Should().Be(1);
        deployment["status"]!["availableReplicas"]!.GetValue<int>().Should().Be(1);
        Condition(deployment, "Available").Should().Be("True/MinimumReplicasAvailable");
        Condition(deployment, "Progressing").Should().Be("True/NewReplicaSetAvailable", "the rollout completed before the deadline, not by timing out");
        var history = await helm.HistoryAsync(release);
        history!.Single()!["status"]!.GetValue<string>().Should().Be("deployed");
        helm.Pods(release).Should().ContainSingle().Which.Should().Match<JsonObject>(p => HelmSession.IsReady(p));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Atomic_upgrade_to_a_crashing_image_rolls_back_to_v1(int major) =>
        await AtomicUpgradeFailsAndRollsBack(major, $"crash{major}", "--set", "image.repository=sim.local/crash", "--set", "image.tag=1");

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Atomic_upgrade_to_an_image_that_does_not_exist_rolls_back_to_v1(int major) =>
        await AtomicUpgradeFailsAndRollsBack(major, $"pull{major}", "--set", "image.repository=registry.example.com/team/missing", "--set", "image.tag=9.9.9");

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Atomic_upgrade_that_cannot_be_scheduled_rolls_back_to_v1(int major) =>
        await AtomicUpgradeFailsAndRollsBack(major, $"sched{major}", "--set", "resources.requests.memory=999Gi");

    private static string? Condition(JsonObject deployment, string type) =>
        deployment["status"]?["conditions"]?.AsArray().OfType<JsonObject>()
            .Where(c => c["type"]!.GetValue<string>() == type)
            .Select(c => $"{c["status"]!.GetValue<string>()}/{c["reason"]!.GetValue<string>()}")
            .SingleOrDefault();

    private async Task AtomicUpgradeFailsAndRollsBack(int major, string release, params string[] badValues)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var install = await helm.InstallAsync(release);
        install.ExitCode.Should().Be(0, install.ToString());
        var v1Pod = helm.Pods(release).Single()["metadata"]!["name"]!.GetValue<string>();

        var upgrade = await helm.AtomicUpgradeAsync(release, badValues);

        output.WriteLine($"helm {major} failing atomic upgrade took {upgrade.Took.TotalSeconds:0.00}s (timeout 15s)\n{upgrade.Error}");
        upgrade.ExitCode.Should().Be(1, upgrade.ToString());
        upgrade.Error.Should().Contain("has been rolled back due to", upgrade.ToString());
        var history = (await helm.HistoryAsync(release))!.Select(h => h!.AsObject()).ToList();
        history.Select(h => h["status"]!.GetValue<string>()).Should().Equal("superseded", "failed", "deployed");
        history[^1]["description"]!.GetValue<string>().Should().Be("Rollback to 1");
        await HelmSession.EventuallyAsync(
            () => helm.Pods(release) is [var only] && HelmSession.IsReady(only) && HelmSession.Image(only) == "nginx:1.16.0",
            "after the rollback only v1's pod is left, and it is Ready");
        helm.Pods(release).Single()["metadata"]!["name"]!.GetValue<string>().Should().Be(v1Pod, "v1's pod served throughout");
    }
}
