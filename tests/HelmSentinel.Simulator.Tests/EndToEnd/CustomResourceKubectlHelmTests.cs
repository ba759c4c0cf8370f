using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class CustomResourceKubectlHelmTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Kubectl_applies_definitions_then_gets_custom_objects_as_a_table_and_as_yaml()
    {
        // Arrange
        var crds = Path.Combine(_session.Root, "crds.yaml");
        await File.WriteAllTextAsync(crds, GitOpsCrds.All);
        var app = Path.Combine(_session.Root, "app.yaml");
        await File.WriteAllTextAsync(app, """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata:
              name: guestbook
            spec:
              project: default
            status:
              sync:
                status: Synced
              health:
                status: Healthy
            """);

        // Act
        var applyCrds = await _session.KubectlAsync("apply", "-f", crds);
        var applyApp = await _session.KubectlAsync("apply", "-f", app);
        var table = await _session.KubectlAsync("get", "applications");
        var yaml = await _session.KubectlAsync("get", "application", "guestbook", "-o", "yaml");
        var shortName = await _session.KubectlAsync("get", "hr");
        var definitions = await _session.KubectlAsync("get", "crds");
        var deleted = await _session.KubectlAsync("delete", "crd", "applications.argoproj.io");
        var afterDelete = await _session.KubectlAsync("get", "applications");

        // Assert
        applyCrds.ExitCode.Should().Be(0, applyCrds.ToString());
        applyApp.ExitCode.Should().Be(0, applyApp.ToString());
        table.ExitCode.Should().Be(0, table.ToString());
        table.StandardOutput.Should().MatchRegex(@"NAME\s+SYNC STATUS\s+HEALTH STATUS\s+AGE").And.MatchRegex(@"guestbook\s+Synced\s+Healthy\s+\d+s");
        yaml.ExitCode.Should().Be(0, yaml.ToString());
        yaml.StandardOutput.Should().Contain("kind: Application").And.Contain("project: default");
        shortName.ExitCode.Should().Be(0, shortName.ToString());
        shortName.StandardError.Should().Contain("No resources found");
        definitions.ExitCode.Should().Be(0, definitions.ToString());
        definitions.StandardOutput.Should().MatchRegex(@"NAME\s+CREATED AT").And.MatchRegex(@"helmreleases.helm.toolkit.fluxcd.io\s+\d{4}-\d\d-\d\dT");
        deleted.ExitCode.Should().Be(0, deleted.ToString());
        afterDelete.ExitCode.Should().NotBe(0, "the type went with its definition");
        // kubectl's discovery cache still maps the type, so the server's 404 on the list is what it prints.
        afterDelete.StandardError.Should().Contain("the server could not find the requested resource");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_chart_with_a_crds_folder_installs_its_definitions_and_objects(int major)
    {
        // Arrange
        var chart = Path.Combine(_session.Root, "chart" + major);
        Directory.CreateDirectory(Path.Combine(chart, "crds"));
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: flux-app\nversion: 0.1.0\n");
        await File.WriteAllTextAsync(Path.Combine(chart, "crds", "helmreleases.yaml"), GitOpsCrds.FluxHelmRelease);
        await File.WriteAllTextAsync(Path.Combine(chart, "templates", "release.yaml"), """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: {{ .Release.Name }}
            spec:
              interval: 5m
              chart:
                spec:
                  chart: podinfo
            """);

        // Act
        var install = await _session.HelmAsync(major, "install", "flux-app", chart, "--wait", "--timeout", "60s");
        var upgrade = await _session.HelmAsync(major, "upgrade", "flux-app", chart, "--set", "x=1");

        // Assert
        install.ExitCode.Should().Be(0, install.ToString());
        upgrade.ExitCode.Should().Be(0, upgrade.ToString());
        var type = _session.Simulator.Store.Types.Find("helm.toolkit.fluxcd.io", "v2", "helmreleases");
        type.Should().NotBeNull();
        var release = _session.Simulator.Store.Get(type!, "default", "flux-app");
        release.Should().NotBeNull();
        release!["spec"]!["chart"]!["spec"]!["chart"]!.GetValue<string>().Should().Be("podinfo");
        _session.Simulator.Store.Get(ResourceTypes.CustomResourceDefinitions, null, "helmreleases.helm.toolkit.fluxcd.io").Should().NotBeNull();
    }
}
