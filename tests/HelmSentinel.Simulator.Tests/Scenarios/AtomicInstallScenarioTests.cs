namespace HelmSentinel.Simulator.Tests.Scenarios;

/// <summary>A first install that fails with atomic / rollback-on-failure leaves no release behind.</summary>
public sealed class AtomicInstallScenarioTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Failed_first_install_with_atomic_is_uninstalled(int major)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var release = $"first{major}";

        var install = await helm.AtomicUpgradeAsync(release, "--set", "image.repository=sim.local/crash", "--set", "image.tag=1");

        install.ExitCode.Should().Be(1, install.ToString());
        install.Error.Should().Contain("has been uninstalled due to", install.ToString());
        var history = await helm.RunAsync("history", release, "--namespace", "default");
        history.ExitCode.Should().Be(1);
        history.Error.Should().Contain("release: not found");
        await HelmSession.EventuallyAsync(() => helm.Pods(release).Count == 0, "uninstall removes the pods via garbage collection");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Restart_once_image_is_not_fatal(int major)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var release = $"once{major}";

        var install = await helm.AtomicUpgradeAsync(release, "--set", "image.repository=sim.local/restart-once", "--set", "image.tag=1");

        install.ExitCode.Should().Be(0, install.ToString());
        helm.Pods(release).Single()["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>().Should().Be(1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Helm_test_pod_from_the_chart_succeeds(int major)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var release = $"tested{major}";
        var install = await helm.InstallAsync(release);
        install.ExitCode.Should().Be(0, install.ToString());

        var test = await helm.RunAsync("test", release, "--namespace", "default", "--timeout", "30s");

        test.ExitCode.Should().Be(0, test.ToString());
        test.Output.Should().Contain("Succeeded");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Healthy_upgrade_of_three_replicas_replaces_every_pod(int major)
    {
        using var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        var release = $"roll{major}";
        var install = await helm.InstallAsync(release, "--set", "replicaCount=3");
        install.ExitCode.Should().Be(0, install.ToString());

        var upgrade = await helm.AtomicUpgradeAsync(release, "--set", "replicaCount=3", "--set", "image.tag=1.17.0");

        upgrade.ExitCode.Should().Be(0, upgrade.ToString());
        await HelmSession.EventuallyAsync(
            () => helm.Pods(release) is { Count: 3 } pods && pods.All(p => HelmSession.IsReady(p) && HelmSession.Image(p) == "nginx:1.17.0"),
            "three v2 pods, all Ready, and no v1 pod left");
        var history = (await helm.HistoryAsync(release))!;
        history.Select(h => h!["status"]!.GetValue<string>()).Should().Equal("superseded", "deployed");
    }
}
