using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary><c>helm-sentinel history</c> as a process, with the real helm against a simulated cluster.</summary>
public sealed class HistoryCommandTests : SimulatedClusterTest
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task History_OfAReleaseThatDoesNotExist_Exits3SayingSoOnStderr(int major)
    {
        var result = await CliProcess.RunAsync(Home,
            "history", "--release", "nope", "--namespace", "shop", "--kubeconfig", Kubeconfig, "--helm", Tools.Helm(major));

        result.ExitCode.Should().Be(3, result.All);
        result.Stderr.Should().Contain("error: release 'nope' does not exist in namespace 'shop'");
        result.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task History_OfAnInstalledRelease_Exits0WithTheTable()
    {
        var install = await CliProcess.RunToolAsync(Home, Tools.Helm(4),
            "install", "listed", Tools.Chart("fixture-web"), "--namespace", "listed", "--create-namespace", "--kubeconfig", Kubeconfig);
        install.ExitCode.Should().Be(0, install.All);

        var result = await CliProcess.RunAsync(Home,
            "history", "--release", "listed", "--namespace", "listed", "--kubeconfig", Kubeconfig, "--helm", Tools.Helm(4));

        result.ExitCode.Should().Be(0, result.All);
        result.Stdout.Should().StartWith("REVISION").And.MatchRegex(@"(?m)^1 +\S+ \S+ +deployed +fixture-web-");
    }

    [Fact]
    public async Task HistoryHelp_GivesTheExitCodes()
    {
        using var stdout = new StringWriter();

        var code = await CliApp.RunAsync(["history", "--help"], stdout, TextWriter.Null, CancellationToken.None);

        code.Should().Be(0);
        stdout.ToString().Should().Contain("Exit codes:")
            .And.Contain("3  the release does not exist in that namespace")
            .And.Contain("4  helm or the cluster is unreachable");
    }
}
