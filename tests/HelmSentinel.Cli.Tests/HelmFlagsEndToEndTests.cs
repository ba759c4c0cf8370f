using System.Text.Json;
using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>Helm flags after <c>--</c>, through the CLI process to the real helm and into the release on a simulated cluster.</summary>
public sealed class HelmFlagsEndToEndTests : IAsyncLifetime
{
    private readonly IsolatedHome _home = new();
    private KubeSimulator _simulator = null!;
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        _simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        _kubeconfig = _simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        _home.Dispose();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AHelmFlagWithASpaceInItsValue_ReachesHelmAsOneArgument(int major)
    {
        var release = "flags-helm" + major;

        var result = await CliProcess.RunAsync(_home,
            "deploy", "--release", release, "--chart", Tools.Chart("fixture-web"), "--namespace", release, "--create-namespace",
            "--kubeconfig", _kubeconfig, "--helm", Tools.Helm(major), "--timeout", "30s",
            "--", "--set-json=config={\"greeting\":\"hello world\"}");

        result.ExitCode.Should().Be(0, result.All);
        var values = await CliProcess.RunToolAsync(_home, Tools.Helm(major),
            "get", "values", release, "--namespace", release, "--output", "json", "--kubeconfig", _kubeconfig);
        values.ExitCode.Should().Be(0, values.All);
        using var json = JsonDocument.Parse(values.Stdout);
        json.RootElement.GetProperty("config").GetProperty("greeting").GetString().Should().Be("hello world");
    }
}
