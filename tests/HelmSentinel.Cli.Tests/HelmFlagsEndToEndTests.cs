using System.Text.Json;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>Helm flags after <c>--</c>, through the CLI process to the real helm and into the release on a simulated cluster.</summary>
public sealed class HelmFlagsEndToEndTests : SimulatedClusterTest
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AHelmFlagWithASpaceInItsValue_ReachesHelmAsOneArgument(int major)
    {
        var release = "flags-helm" + major;

        var result = await CliProcess.RunAsync(Home,
            "deploy", "--release", release, "--chart", Tools.Chart("fixture-web"), "--namespace", release, "--create-namespace",
            "--kubeconfig", Kubeconfig, "--helm", Tools.Helm(major), "--timeout", "30s",
            "--", "--set-json=config={\"greeting\":\"hello world\"}");

        result.ExitCode.Should().Be(0, result.All);
        var values = await CliProcess.RunToolAsync(Home, Tools.Helm(major),
            "get", "values", release, "--namespace", release, "--output", "json", "--kubeconfig", Kubeconfig);
        values.ExitCode.Should().Be(0, values.All);
        using var json = JsonDocument.Parse(values.Stdout);
        json.RootElement.GetProperty("config").GetProperty("greeting").GetString().Should().Be("hello world");
    }
}
