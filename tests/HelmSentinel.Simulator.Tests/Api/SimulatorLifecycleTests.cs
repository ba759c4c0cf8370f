namespace HelmSentinel.Simulator.Tests.Api;

public sealed class SimulatorLifecycleTests
{
    /// <summary>Longer than a stop ever takes (the server gets half a second of grace); a bound, not a measurement.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Disposing_the_simulator_ends_open_watches_and_stops_within_the_bound()
    {
        // Arrange
        var simulator = await KubeSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync(new Uri("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=300", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var watchEnded = reader.ReadToEndAsync();

        // Act
        await simulator.DisposeAsync().AsTask().WaitAsync(StopBound);
        await watchEnded.WaitAsync(StopBound);
        await simulator.DisposeAsync().AsTask().WaitAsync(StopBound);

        // Assert
        watchEnded.IsCompletedSuccessfully.Should().BeTrue("the stream ended cleanly, it was not cut by the client");
        simulator.OpenWatches("default").Should().Be(0);
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
