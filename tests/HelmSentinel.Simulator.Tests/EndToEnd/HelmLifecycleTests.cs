using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class HelmLifecycleTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Install_upgrade_and_rollback_with_wait_succeed(int major)
    {
        // Arrange
        var release = $"web{major}";
        var chart = Path.Combine(_session.Root, "chart" + major);
        (await _session.HelmAsync(major, "create", chart)).ExitCode.Should().Be(0);
        string[] atomic = major == 3 ? ["--atomic", "--wait"] : ["--rollback-on-failure", "--wait=watcher"];

        // Act: install
        var install = await _session.HelmAsync(major, ["upgrade", "--install", release, chart, "--timeout", "60s", .. atomic]);

        // Assert
        install.ExitCode.Should().Be(0, install.ToString());
        var history = await HistoryAsync(major, release);
        history.Should().ContainSingle().Which!["status"]!.GetValue<string>().Should().Be("deployed");
        (await _session.HelmAsync(major, "status", release)).ExitCode.Should().Be(0);

        // Act: upgrade with a new image tag
        var upgrade = await _session.HelmAsync(major, ["upgrade", "--install", release, chart, "--set", "image.tag=1.27", "--timeout", "60s", .. atomic]);

        // Assert
        upgrade.ExitCode.Should().Be(0, upgrade.ToString());
        var store = _session.Simulator.Store;
        var replicaSets = store.List(ResourceTypes.ReplicaSets, "default");
        replicaSets.Should().Contain(rs => rs["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "nginx:1.27");
        await WaitUntilAsync(() => store.List(ResourceTypes.Pods, "default")
            .All(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "nginx:1.27"));
        (await HistoryAsync(major, release)).Select(h => h!["status"]!.GetValue<string>()).Should().Equal("superseded", "deployed");

        // Act: rollback
        var rollback = await _session.HelmAsync(major, "rollback", release, "1", "--wait", "--timeout", "60s");

        // Assert
        rollback.ExitCode.Should().Be(0, rollback.ToString());
        var final = await HistoryAsync(major, release);
        final.Should().HaveCount(3);
        final[^1]!["status"]!.GetValue<string>().Should().Be("deployed");
        final[^1]!["description"]!.GetValue<string>().Should().Be("Rollback to 1");
    }

    private async Task<JsonArray> HistoryAsync(int major, string release)
    {
        var history = await _session.HelmAsync(major, "history", release, "-o", "json");
        history.ExitCode.Should().Be(0, history.ToString());
        return JsonNode.Parse(history.StandardOutput)!.AsArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().Should().BeTrue();
    }
}
