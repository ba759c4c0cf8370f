using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class UnservedApiVersionTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new(new SimulatorOptions { Cluster = ClusterConfig.Parse("unservedApiVersions: [batch/v1]") });

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Helm_install_of_a_Job_fails_when_the_cluster_does_not_serve_batch_v1(int major)
    {
        // Arrange
        var chart = JobChart(Path.Combine(_session.Root, "jobs" + major));

        // Act
        var install = await _session.HelmAsync(major, "install", "jobs", chart, "--timeout", "30s");

        // Assert
        install.ExitCode.Should().NotBe(0, install.ToString());
        install.StandardError.Should().Contain(
            "Error: INSTALLATION FAILED: unable to build kubernetes objects from release manifest: resource mapping not found for name: \"migrate\" " +
            "namespace: \"\" from \"\": no matches for kind \"Job\" in version \"batch/v1\"\nensure CRDs are installed first");
        _session.Simulator.Store.List(ResourceTypes.Jobs, "default").Should().BeEmpty();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Helm_upgrade_fails_when_the_stored_manifest_names_a_version_the_cluster_stopped_serving(int major)
    {
        // Arrange
        _session.Simulator.Serve("batch/v1");
        var chart = JobChart(Path.Combine(_session.Root, "jobs" + major));
        var install = await _session.HelmAsync(major, "install", "jobs", chart, "--timeout", "30s");
        install.ExitCode.Should().Be(0, install.ToString());
        _session.Simulator.Unserve("batch/v1");

        // Act
        var upgrade = await _session.HelmAsync(major, "upgrade", "jobs", chart, "--timeout", "30s");
        var kubectl = await _session.KubectlAsync("get", "jobs");

        // Assert
        upgrade.ExitCode.Should().NotBe(0, upgrade.ToString());
        upgrade.StandardError.Should().Contain(
            "Error: UPGRADE FAILED: resource mapping not found for name: \"migrate\" namespace: \"\" from \"\": no matches for kind \"Job\" in version \"batch/v1\"\nensure CRDs are installed first");
        kubectl.ExitCode.Should().NotBe(0);
        kubectl.StandardError.Should().Contain("error: the server doesn't have a resource type \"jobs\"");
        _session.Simulator.Store.Get(ResourceTypes.Jobs, "default", "migrate").Should().NotBeNull("the objects stay; only the API no longer serves them");
    }

    private static string JobChart(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "templates"));
        File.WriteAllText(Path.Combine(root, "Chart.yaml"), "apiVersion: v2\nname: jobs\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(root, "values.yaml"), "tag: \"1.36\"\n");
        File.WriteAllText(Path.Combine(root, "templates", "job.yaml"), """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: "busybox:{{ .Values.tag }}"
            """);
        return root;
    }
}
