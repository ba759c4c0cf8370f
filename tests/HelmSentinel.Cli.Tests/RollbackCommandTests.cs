using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary><c>helm-sentinel rollback</c> as a process, with the real helm against a simulated cluster.</summary>
public sealed class RollbackCommandTests : SimulatedClusterTest
{
    [Fact]
    public async Task ARollbackToTheLastGoodRevision_Exits0_AndSaysWhereTheReleaseIs()
    {
        foreach (var tag in new[] { "1.25.0", "1.26.0" })
        {
            var upgrade = await CliProcess.RunToolAsync(Home, Tools.Helm(4), "upgrade", "--install", "cliroll", Tools.Chart("fixture-web"),
                "--namespace", "cliroll", "--create-namespace", "--wait", "--timeout", "30s", "--set", "image.tag=" + tag, "--kubeconfig", Kubeconfig);
            upgrade.ExitCode.Should().Be(0, upgrade.All);
        }

        var result = await CliProcess.RunAsync(Home,
            "rollback", "--release", "cliroll", "--namespace", "cliroll", "--last-good", "--timeout", "30s", "--kubeconfig", Kubeconfig, "--helm", Tools.Helm(4));

        result.ExitCode.Should().Be(0, result.All);
        result.Stdout.Should().Contain("helm-sentinel: cliroll rolled back to revision 1 (now revision 3)");
        await Eventually.WaitUntilAsync(() => Workloads.DeploymentRuns(Simulator, "cliroll", "cliroll", "nginx:1.25.0"), "revision 1's template is live");
    }

    [Fact]
    public async Task RevisionAndLastGoodTogether_Exit3_BeforeAnythingRuns()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(
            ["rollback", "--release", "web", "--revision", "2", "--last-good", "--helm", "/nonexistent/helm"], stdout, stderr, CancellationToken.None);

        code.Should().Be(3);
        stderr.ToString().Should().Contain("invalid input '--revision': --revision 2 and --last-good both name the target");
        stdout.ToString().Should().BeEmpty("nothing ran, not even helm");
    }

    [Fact]
    public async Task RollbackHelp_GivesTheExitCodes()
    {
        using var stdout = new StringWriter();

        var code = await CliApp.RunAsync(["rollback", "--help"], stdout, TextWriter.Null, CancellationToken.None);

        code.Should().Be(0);
        stdout.ToString().Should().Contain("--revision").And.Contain("--last-good").And.Contain("Exit codes:").And.Contain("rolled back to the target and verified");
    }
}
