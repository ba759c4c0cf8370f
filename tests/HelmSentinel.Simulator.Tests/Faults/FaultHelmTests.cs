using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Simulator.Tests.Scenarios;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>Faults as the real Helm 3 and 4 meet them: release storage that is unavailable for a moment, and release
/// Secrets that cannot be written, so that a rollback (Helm's own or an explicit one) fails.</summary>
public sealed class FaultHelmTests : IAsyncLifetime
{
    private KubeSimulator _simulator = null!;

    public async Task InitializeAsync() => _simulator = await KubeSimulator.StartAsync();

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_503_on_the_release_Secrets_fails_helm_history_then_the_next_one_reads_it(int major)
    {
        // Arrange
        using var helm = await InstalledAsync(major, "web");
        _simulator.Faults.Add(new FaultRule { Id = "storage-down", Kind = FaultKind.Status, Code = 503, Verb = "list", ReleaseSecrets = true, ForRequests = 1 });

        // Act
        var failed = await helm.RunAsync("history", "web", "--namespace", "default");
        var history = await helm.HistoryAsync("web");

        // Assert
        failed.ExitCode.Should().Be(1, failed.ToString());
        failed.Error.Should().Be("Error: query: failed to query with labels: the server is currently unable to handle the request\n");
        history!.Select(r => r!["revision"]!.GetValue<int>()).Should().Equal(1);
        _simulator.Faults.Fired("storage-down").Should().Be(1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_503_with_Retry_After_on_the_release_Secrets_is_waited_out_by_helm_itself(int major)
    {
        // Arrange
        using var helm = await InstalledAsync(major, "web");
        _simulator.Faults.Add(new FaultRule { Id = "storage-busy", Kind = FaultKind.Status, Code = 503, RetryAfterSeconds = 1, Verb = "list", ReleaseSecrets = true, ForRequests = 2 });

        // Act
        var history = await helm.HistoryAsync("web");

        // Assert
        history!.Select(r => r!["revision"]!.GetValue<int>()).Should().Equal(1);
        _simulator.Faults.Fired("storage-busy").Should().Be(2);
    }

    [Theory]
    [InlineData(3, 403, "Error: create: failed to create: secrets is forbidden: User \"system:anonymous\" cannot create resource \"secrets\" in API group \"\" in the namespace \"default\"\n")]
    [InlineData(4, 403, "Error: create: failed to create: secrets is forbidden: User \"system:anonymous\" cannot create resource \"secrets\" in API group \"\" in the namespace \"default\"\n")]
    [InlineData(3, 500, "Error: create: failed to create: Internal error occurred: injected by the simulator\n")]
    [InlineData(4, 500, "Error: create: failed to create: Internal error occurred: injected by the simulator\n")]
    public async Task Refused_release_Secret_writes_make_helm_rollback_fail_and_record_nothing(int major, int code, string error)
    {
        // Arrange
        using var helm = await InstalledAsync(major, "web");
        var upgrade = await helm.RunAsync("upgrade", "web", helm.Chart, "--namespace", "default", "--set", "replicaCount=2");
        upgrade.ExitCode.Should().Be(0, upgrade.ToString());
        _simulator.Faults.Add(new FaultRule { Id = "refuse", Kind = FaultKind.RefuseReleaseWrites, Code = code });

        // Act
        var rollback = await helm.RunAsync("rollback", "web", "1", "--namespace", "default");
        var history = await helm.HistoryAsync("web");

        // Assert
        rollback.ExitCode.Should().Be(1, rollback.ToString());
        rollback.Error.Should().Be(error);
        history!.Select(r => (r!["revision"]!.GetValue<int>(), r["status"]!.GetValue<string>())).Should().Equal((1, "superseded"), (2, "deployed"));
        _simulator.Store.Get(ResourceTypes.Secrets, "default", "sh.helm.release.v1.web.v3").Should().BeNull();
        _simulator.Faults.Fired("refuse").Should().Be(1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Refusing_the_rollbacks_release_Secret_makes_an_atomic_upgrades_own_rollback_fail(int major)
    {
        // Arrange: the upgrade may create its pending revision (the first create); the rollback's revision is refused
        using var helm = await InstalledAsync(major, "web");
        _simulator.Faults.Add(new FaultRule { Id = "refuse", Kind = FaultKind.RefuseReleaseWrites, Verb = "create", FromRequest = 2 });

        // Act
        var upgrade = await helm.AtomicUpgradeAsync("web", "--set", "image.repository=sim.local/crash", "--set", "image.tag=1", "--timeout", "3s");
        var history = await helm.HistoryAsync("web");

        // Assert
        upgrade.ExitCode.Should().Be(1, upgrade.ToString());
        upgrade.Error.Should().Contain("Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: ")
            .And.EndWith("context deadline exceeded: create: failed to create: secrets is forbidden: User \"system:anonymous\" cannot create resource \"secrets\" in API group \"\" in the namespace \"default\"\n");
        history!.Select(r => (r!["revision"]!.GetValue<int>(), r["status"]!.GetValue<string>())).Should().Equal((1, "deployed"), (2, "failed"));
        _simulator.Faults.Fired("refuse").Should().Be(1);
    }

    private async Task<HelmSession> InstalledAsync(int major, string release)
    {
        var helm = new HelmSession(_simulator, major);
        await helm.CreateChartAsync();
        var install = await helm.RunAsync("install", release, helm.Chart, "--namespace", "default");
        install.ExitCode.Should().Be(0, install.ToString());
        return helm;
    }
}
