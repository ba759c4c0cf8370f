using System.Diagnostics;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class SimulatorLifecycleTests
{
    [Fact]
    public async Task Disposing_the_simulator_ends_open_watches_promptly()
    {
        // Arrange
        var simulator = await KubeSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        using var response = await http.GetAsync(new Uri("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=300", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var watchEnded = reader.ReadToEndAsync();
        var stopwatch = Stopwatch.StartNew();

        // Act
        await simulator.DisposeAsync();
        var ended = await Task.WhenAny(watchEnded, Task.Delay(TimeSpan.FromSeconds(5))) == watchEnded;

        // Assert
        ended.Should().BeTrue();
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_kubeconfig_points_at_the_ephemeral_port_with_the_requested_namespace()
    {
        // Arrange
        await using var simulator = await KubeSimulator.StartAsync();

        // Act
        var yaml = simulator.KubeconfigYaml("ctx", "team");

        // Assert
        simulator.BaseAddress.Host.Should().Be("127.0.0.1");
        simulator.BaseAddress.Port.Should().BePositive();
        yaml.Should().Contain($"server: http://127.0.0.1:{simulator.BaseAddress.Port}")
            .And.Contain("current-context: ctx")
            .And.Contain("namespace: team");
    }

    [Fact]
    public async Task Requests_are_logged_as_method_and_path_with_query()
    {
        // Arrange
        var lines = new List<string>();
        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions { RequestLog = l => { lock (lines) { lines.Add(l); } } });
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };

        // Act
        using var _ = await http.GetAsync(new Uri("/api/v1/namespaces/default/pods?labelSelector=app%3Dx", UriKind.Relative));

        // Assert
        simulator.RequestLog.Should().Contain("GET /api/v1/namespaces/default/pods?labelSelector=app%3Dx");
        lines.Should().Contain("GET /api/v1/namespaces/default/pods?labelSelector=app%3Dx");
    }
}
