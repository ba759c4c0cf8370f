namespace HelmSentinel.Cli.Tests;

public class CommandLineTests
{
    private static readonly IReadOnlySet<string> Flags = new HashSet<string> { "create-namespace", "recover-stale-lock" };

    [Fact]
    public void Parse_CollectsRepeatedOptionsFlagsAndRest()
    {
        var line = CommandLine.Parse(
            ["deploy", "--release", "web", "-f", "a.yaml", "--values=b.yaml", "--create-namespace", "--recover-stale-lock", "false", "-n", "shop", "--", "--skip-crds"],
            Flags);

        line.Command.Should().Be("deploy");
        line.Options["values"].Should().Equal("a.yaml", "b.yaml");
        line.Value("create-namespace").Should().Be("true");
        line.Value("recover-stale-lock").Should().Be("false");
        line.Value("namespace").Should().Be("shop");
        line.Rest.Should().Equal("--skip-crds");
    }

    [Fact]
    public void Parse_OptionWithoutValue_Throws()
    {
        var act = () => CommandLine.Parse(["deploy", "--release"], Flags);

        act.Should().Throw<CommandLineException>().WithMessage("*--release needs a value*");
    }

    [Fact]
    public void Parse_StrayWord_Throws()
    {
        var act = () => CommandLine.Parse(["deploy", "web"], Flags);

        act.Should().Throw<CommandLineException>().WithMessage("*unexpected argument 'web'*");
    }
}

public class CommandHelpTests
{
    [Theory]
    [InlineData("simulator", "usage: helm-sentinel simulator")]
    [InlineData("demo", "usage: helm-sentinel demo")]
    [InlineData("history", "usage: helm-sentinel history")]
    public async Task Help_PrintsTheCommandsUsageAndDoesNothingElse(string command, string usage)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await HelmSentinel.Cli.CliApp.RunAsync([command, "--help"], stdout, stderr, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        code.Should().Be(0);
        stdout.ToString().Should().StartWith(usage);
        stdout.ToString().Should().NotContain("listening");
        stderr.ToString().Should().BeEmpty();
    }
}
