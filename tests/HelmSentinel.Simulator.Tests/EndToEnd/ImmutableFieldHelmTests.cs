using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class ImmutableFieldHelmTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private const string Invalid =
        "Deployment.apps \"web-chart\" is invalid: spec.selector: Invalid value: " +
        "v1.LabelSelector{MatchLabels:map[string]string{\"app.kubernetes.io/instance\":\"web\", \"app.kubernetes.io/name\":\"other\"}, " +
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable";

    /// <summary>A client-side patch (Helm 3, Helm 4 with <c>--server-side=false</c>) is wrapped in "cannot patch"; Helm 4's
    /// server-side apply reports the apiserver's message as it is.</summary>
    [Theory]
    [InlineData(3, "false", "Error: UPGRADE FAILED: cannot patch \"web-chart\" with kind Deployment: " + Invalid)]
    [InlineData(4, "false", "Error: UPGRADE FAILED: cannot patch \"web-chart\" with kind Deployment: " + Invalid)]
    [InlineData(4, "auto", "Error: UPGRADE FAILED: " + Invalid)]
    public async Task Helm_upgrade_that_changes_a_Deployment_selector_fails_as_on_a_real_cluster(int major, string serverSide, string error)
    {
        // Arrange: nameOverride changes the selector labels, fullnameOverride keeps the Deployment's name
        var chart = Path.Combine(_session.Root, "chart");
        (await _session.HelmAsync(major, "create", chart)).ExitCode.Should().Be(0);
        var install = await _session.HelmAsync(major, "install", "web", chart, "--set", "fullnameOverride=web-chart", "--timeout", "60s");
        install.ExitCode.Should().Be(0, install.ToString());

        // Act
        string[] mode = major == 4 ? ["--server-side", serverSide] : [];
        var upgrade = await _session.HelmAsync(major, ["upgrade", "web", chart, "--set", "fullnameOverride=web-chart,nameOverride=other", "--timeout", "60s", .. mode]);

        // Assert
        upgrade.ExitCode.Should().NotBe(0, upgrade.ToString());
        upgrade.StandardError.Should().Contain(error);
        _session.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web-chart")!["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!
            .GetValue<string>().Should().Be("chart");
    }
}
