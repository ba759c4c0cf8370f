namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class ServerSideApplyConflictTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Helm_4_upgrade_after_kubectl_scale_conflicts_on_replicas_until_forced()
    {
        // Arrange
        var chart = Path.Combine(_session.Root, "chart");
        (await _session.HelmAsync(4, "create", chart)).ExitCode.Should().Be(0);
        (await _session.HelmAsync(4, "install", "web", chart, "--wait=watcher", "--timeout", "60s")).ExitCode.Should().Be(0);
        (await _session.KubectlAsync("scale", "deployment/web-chart", "--replicas=2")).ExitCode.Should().Be(0);

        // Act
        var upgrade = await _session.HelmAsync(4, "upgrade", "web", chart, "--wait=watcher", "--timeout", "60s");
        var forced = await _session.HelmAsync(4, "upgrade", "web", chart, "--force-conflicts", "--wait=watcher", "--timeout", "60s");

        // Assert
        upgrade.ExitCode.Should().NotBe(0, upgrade.ToString());
        upgrade.StandardError.Should().Contain("conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
        forced.ExitCode.Should().Be(0, forced.ToString());
    }
}
