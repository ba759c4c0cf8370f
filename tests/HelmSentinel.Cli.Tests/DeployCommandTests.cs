using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>The <c>helm-sentinel</c> command as a process, with the real helm binaries and no cluster.</summary>
public sealed class DeployCommandTests : IDisposable
{
    private static readonly string[] Mutating = ["upgrade", "install", "rollback", "uninstall", "delete"];

    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(3, "Kubernetes cluster unreachable")]
    [InlineData(4, "kubernetes cluster unreachable")]
    public async Task Deploy_AgainstARefusedCluster_RetriesWithBackoffThenExits4(int major, string helmMessage)
    {
        var kubeconfig = Path.Combine(_home.Root, "refused.yaml");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfigs.Refused);
        var (helm, log) = CliProcess.RecordingHelm(_home, major);

        var result = await CliProcess.RunAsync(_home,
            "deploy", "--release", "web", "--chart", Tools.Chart("fixture-web"),
            "--kubeconfig", kubeconfig, "--helm", helm, "--retries", "2", "--retry-delay", "100ms");

        result.ExitCode.Should().Be(4, result.All);
        result.Stdout.Should().Contain("transient error (attempt 1 of 3)").And.Contain("transient error (attempt 2 of 3)");
        result.Stdout.Should().MatchRegex(@"retrying in \d+\.\ds");
        result.All.Should().Contain(helmMessage);
        var calls = CliProcess.Calls(log);
        calls.Count(c => c.StartsWith("history", StringComparison.Ordinal)).Should().Be(3);
        calls.Should().NotContain(c => Mutating.Any(m => c.StartsWith(m, StringComparison.Ordinal)) && !c.Contains("--dry-run", StringComparison.Ordinal));
        calls.Count(c => c.Contains("--dry-run", StringComparison.Ordinal)).Should().BeLessThanOrEqualTo(1,
            "the preflight's dry run, begun beside the history read, is tried once: the history's retries are the ones that wait for the cluster");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Deploy_WithBadInput_Exits3NamingEachInputAndRunsNoHelm(int major)
    {
        var (helm, log) = CliProcess.RecordingHelm(_home, major);

        var result = await CliProcess.RunAsync(_home,
            "deploy", "--release", "Web_App", "--chart", "./missing-chart", "--helm", helm,
            "--history-max", "1", "--values", "/nope/values.yaml", "--set", "=oops");

        result.ExitCode.Should().Be(3, result.All);
        result.All.Should().Contain("release").And.Contain("Web_App")
            .And.Contain("history-max").And.Contain("/nope/values.yaml").And.Contain("missing-chart").And.Contain("=oops");
        CliProcess.Calls(log).Should().NotContain(c => Mutating.Any(m => c.StartsWith(m, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--timeout", "soon", "timeout")]
    [InlineData("--history-max", "ten", "history-max")]
    [InlineData("--recover-stale-lock", "maybe", "recover-stale-lock")]
    [InlineData("--wait", "hookOnly", "wait")]
    [InlineData("--on-failure-after-migration", "abort", "on-failure-after-migration")]
    [InlineData("--migration-hook", "Job/web-migrate", "--migration-hook")]
    public async Task Deploy_WithAMalformedValue_Exits3NamingTheInput(string flag, string value, string input)
    {
        var result = await CliProcess.RunAsync(_home, "deploy", "--release", "web", "--chart", Tools.Chart("fixture-web"), "--helm", "/no/helm", flag, value);

        result.ExitCode.Should().Be(3, result.All);
        result.All.Should().Contain(input).And.Contain(value);
    }

    [Fact]
    public async Task Deploy_WithEngineOwnedExtraArgs_Exits3()
    {
        var result = await CliProcess.RunAsync(_home, "deploy", "--release", "web", "--chart", Tools.Chart("fixture-web"), "--helm", "/no/helm", "--", "--atomic");

        result.ExitCode.Should().Be(3, result.All);
        result.All.Should().Contain("--atomic");
    }

    [Fact]
    public async Task Deploy_WithAMissingHelm_Exits4()
    {
        var result = await CliProcess.RunAsync(_home, "deploy", "--release", "web", "--chart", Tools.Chart("fixture-web"), "--helm", "/no/such/helm");

        result.ExitCode.Should().Be(4, result.All);
        result.All.Should().Contain("Cannot run helm: there is no file at '/no/such/helm'; a path is used as given, PATH is not searched.")
            .And.Contain("Install Helm 3 or 4").And.NotContain("An error occurred trying to start process");
    }

    [Fact]
    public async Task UnknownCommand_Exits3WithUsage()
    {
        var result = await CliProcess.RunAsync(_home, "deplyo");

        result.ExitCode.Should().Be(3);
        result.Stderr.Should().Contain("unknown command 'deplyo'").And.Contain("deploy");
    }

    [Fact]
    public async Task DeployHelp_PrintsOptionsAndExitCodes()
    {
        var result = await CliProcess.RunAsync(_home, "deploy", "--help");

        result.ExitCode.Should().Be(0);
        result.Stdout.Should().Contain("--rollback-timeout").And.Contain("Exit codes:");
    }

    [Fact]
    public async Task Deploy_WithAMistypedOption_SuggestsTheOptionAndExits3()
    {
        var (helm, log) = CliProcess.RecordingHelm(_home, 4);

        var result = await CliProcess.RunAsync(_home, "deploy", "--timout", "5m", "--release", "web", "--chart", Tools.Chart("fixture-web"), "--helm", helm);

        result.ExitCode.Should().Be(3, result.All);
        result.Stderr.Should().Contain("'--timout'").And.Contain("Did you mean").And.Contain("\n--timeout\n");
        result.Stdout.Should().BeEmpty();
        CliProcess.Calls(log).Should().BeEmpty("a command-line error runs no helm");
    }
}
