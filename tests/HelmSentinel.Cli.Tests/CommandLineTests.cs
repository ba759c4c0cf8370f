using HelmSentinel.Cli.Commands;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Cli.Tests;

/// <summary>The command line as System.CommandLine parses it and the CLI maps it: pure, no process.</summary>
public class CommandLineTests
{
    private static readonly string[] Deploy = ["deploy", "--release", "web", "--chart", "./web"];

    [Fact]
    public void Parse_CollectsRepeatedOptionsFlagsAndRest()
    {
        var line = CliApp.Parse(
            ["deploy", "--release", "web", "--chart", "./web", "-f", "a.yaml", "--values=b.yaml", "--create-namespace", "--recover-stale-lock", "false", "-n", "shop", "--", "--skip-crds"]);

        var request = RequestOf(line);
        line.Result.CommandResult.Command.Name.Should().Be("deploy");
        request.ValuesFiles.Should().Equal("a.yaml", "b.yaml");
        request.CreateNamespace.Should().BeTrue();
        request.RecoverStaleLock.Should().BeFalse();
        request.Namespace.Should().Be("shop");
        request.ExtraArgs.Should().Equal("--skip-crds");
    }

    [Fact]
    public void Parse_OptionWithoutValue_IsAnErrorNamingTheOption()
    {
        var errors = ParseErrors.Describe(CliApp.Parse(["deploy", "--chart", "./web", "--release"]));

        errors.Should().Contain("'--release'").And.Contain("missing");
    }

    [Fact]
    public void Parse_StrayWord_IsAnError()
    {
        var errors = ParseErrors.Describe(CliApp.Parse([.. Deploy, "web"]));

        errors.Should().Contain("Unrecognized command or argument 'web'").And.Contain("helm-sentinel deploy --help");
    }

    [Fact]
    public void Deploy_WithOnlyReleaseAndChart_IsTheCoresDefaultRequest()
    {
        var line = CliApp.Parse(Deploy);

        RequestOf(line).Should().BeEquivalentTo(new DeployRequest { Release = "web", Chart = "./web" });
        DeployOf(line).ToRetryOptions(line.Result).Should().Be(new HelmRetryOptions());
    }

    [Fact]
    public void Deploy_MapsEveryOptionOntoTheRequest()
    {
        var line = CliApp.Parse(
        [
            "deploy", "--release", " web ", "--chart", "oci://registry.example.com/charts/web", "--namespace", "shop",
            "--set", "a=1", "--set", "b=two words", "--set-string", "c=007", "--set-file", "d=cert.pem", "--version", "^1.2",
            "--timeout", "1h30m", "--rollback-timeout", "00:02:00", "--history-max", "0", "--wait", "legacy", "--wait-for-jobs",
            "--force=true", "--reuse-values", "yes", "--stale-lock-margin", "0", "--fail-fast", "off", "--restart-threshold", "5",
            "--unschedulable-grace", "0s", "--kube-context", "prod", "--kubeconfig", "k.yaml", "--helm", "/opt/helm",
            "--description", "two words", "--secret", "hunter22", "--secret", "s3cret", "--retries", "0", "--retry-delay", "250ms",
            "--force-rollback-pods", "false", "--verify", "checks.yaml", "--verify-rollback",
            "--migration-hook", "web-migrate", "--migration-hook", "web-schema", "--on-failure-after-migration", "stop",
        ]);

        ParseErrors.Describe(line).Should().BeNull();
        RequestOf(line).Should().BeEquivalentTo(new DeployRequest
        {
            Release = "web",
            Chart = "oci://registry.example.com/charts/web",
            Namespace = "shop",
            Set = ["a=1", "b=two words"],
            SetString = ["c=007"],
            SetFile = ["d=cert.pem"],
            ChartVersion = "^1.2",
            Timeout = TimeSpan.FromMinutes(90),
            RollbackTimeout = TimeSpan.FromMinutes(2),
            HistoryMax = 0,
            WaitStrategy = "legacy",
            WaitForJobs = true,
            Force = true,
            ReuseValues = true,
            StaleLockMargin = TimeSpan.Zero,
            FailFast = false,
            RestartThreshold = 5,
            UnschedulableGrace = TimeSpan.Zero,
            KubeContext = "prod",
            Kubeconfig = "k.yaml",
            HelmPath = "/opt/helm",
            Description = "two words",
            Secrets = ["hunter22", "s3cret"],
            ForceRollbackPods = false,
            VerifyFile = "checks.yaml",
            VerifyRollback = true,
            MigrationHooks = ["web-migrate", "web-schema"],
            OnFailureAfterMigration = "stop",
        });
        DeployOf(line).ToRetryOptions(line.Result).Should().Be(new HelmRetryOptions { MaxRetries = 0, BaseDelay = TimeSpan.FromMilliseconds(250) });
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("plan")]
    public void DeployAndPlan_MapTheMigrationOptions(string command)
    {
        var line = CliApp.Parse(
        [
            command, "--release", "web", "--chart", "./web", "--migrations", "db/a/*.sql", "--migrations", "db/b/*.sql,db/c/*.sql",
            "--migrations-dialect", "SQLServer", "--destructive-migrations", "block", "--migrations-base", "origin/main",
        ]);

        ParseErrors.Describe(line).Should().BeNull();
        var request = line.Result.CommandResult.Command switch
        {
            DeployCommand deploy => deploy.ToRequest(line.Result),
            PlanCommand plan => plan.ToRequest(line.Result),
            var other => throw new InvalidOperationException(other.Name),
        };
        request.Migrations.Should().Equal("db/a/*.sql", "db/b/*.sql", "db/c/*.sql");
        request.MigrationsDialect.Should().Be(HelmSentinel.Migrations.SqlDialect.SqlServer);
        request.DestructiveMigrations.Should().Be(HelmSentinel.Migrations.DestructiveMigrationPolicy.Block);
        request.MigrationsBase.Should().Be("origin/main");
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--fail-fast" }, true)]
    [InlineData(new[] { "--fail-fast", "false" }, false)]
    [InlineData(new[] { "--fail-fast=False" }, false)]
    [InlineData(new[] { "--fail-fast", "no" }, false)]
    [InlineData(new[] { "--fail-fast", "0" }, false)]
    [InlineData(new[] { "--fail-fast", "--force" }, true)]
    public void Switch_StandsAloneForTrueOrTakesAValue(string[] args, bool failFast)
    {
        var line = CliApp.Parse([.. Deploy, .. args]);

        ParseErrors.Describe(line).Should().BeNull();
        RequestOf(line).FailFast.Should().Be(failFast);
    }

    [Fact]
    public void HelmFlags_AfterABareDoubleDash_ReachTheRequestExactlyAsGiven()
    {
        string[] helmFlags = ["--set-json=config={\"greeting\":\"hello world\"}", "--description", "two  words ", "@not-a-response-file", "-n", "--", ""];

        var line = CliApp.Parse([.. Deploy, "--", .. helmFlags]);

        ParseErrors.Describe(line).Should().BeNull();
        RequestOf(line).ExtraArgs.Should().Equal(helmFlags);
    }

    [Fact]
    public void ResponseFile_AddsItsWords()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "--release web\n# the chart\n--chart ./web\n--set \"greeting=hello world\"\n");

            var line = CliApp.Parse(["deploy", "@" + file, "--", "--skip-crds"]);

            ParseErrors.Describe(line).Should().BeNull();
            var request = RequestOf(line);
            request.Release.Should().Be("web");
            request.Set.Should().Equal("greeting=hello world");
            request.ExtraArgs.Should().Equal("--skip-crds");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--timeout", "soon", "--timeout: 'soon' is not a positive duration")]
    [InlineData("--stale-lock-margin", "-1m", "--stale-lock-margin: '-1m' is not a duration")]
    [InlineData("--history-max", "ten", "--history-max: 'ten' is not a whole number")]
    [InlineData("--restart-threshold", "0", "--restart-threshold: '0' is too small")]
    [InlineData("--retries", "21", "--retries: '21' is not a number of retries between 0 and 20")]
    [InlineData("--retry-delay", "0s", "--retry-delay: '0s' is not a positive duration")]
    [InlineData("--force", "maybe", "--force: 'maybe' is not true or false")]
    [InlineData("--migrations-dialect", "oracle", "--migrations-dialect: 'oracle' is not one of postgresql, mysql, sqlserver.")]
    [InlineData("--destructive-migrations", "ignore", "--destructive-migrations: 'ignore' is not one of warn, block.")]
    public void MalformedValue_IsAnErrorNamingTheOption(string option, string value, string error)
    {
        var errors = ParseErrors.Describe(CliApp.Parse([.. Deploy, option, value]));

        errors.Should().Contain("error: " + error);
    }

    [Fact]
    public void MistypedOption_SuggestsTheOptionAndNamesNoActionInput()
    {
        var errors = ParseErrors.Describe(CliApp.Parse([.. Deploy, "--timout", "5m", "--secrets", "x"]));

        errors.Should().Contain("'--timout' was not matched. Did you mean one of the following?\n--timeout\n")
            .And.Contain("'--secrets' was not matched. Did you mean one of the following?\n--secret\n")
            .And.NotContain("'5m' was not matched", "only words that look like options get suggestions")
            .And.NotContain("Known inputs").And.NotContain("extra-args")
            .And.NotContain("helm's own flags", "both words are close to an option of ours");
    }

    [Fact]
    public void UnknownOption_NothingLikeOurs_IsPointedToTheHelmFlags()
    {
        var errors = ParseErrors.Describe(CliApp.Parse([.. Deploy, "--skip-crds"]));

        errors.Should().Contain("Unrecognized command or argument '--skip-crds'")
            .And.Contain("helm's own flags go after a bare --, e.g. helm-sentinel deploy ... -- --skip-crds");
    }

    [Fact]
    public void HelmFlags_ForACommandThatRunsNoHelmUpgrade_AreAnError()
    {
        var errors = ParseErrors.Describe(CliApp.Parse(["history", "--release", "web", "--", "--debug"]));

        errors.Should().Contain("only deploy takes helm flags");
    }

    [Theory]
    [InlineData("history-max", "--history-max")]
    [InlineData("release", "--release")]
    [InlineData("secrets", "--secret")]
    [InlineData("extra-args", "helm flags after --")]
    [InlineData("migration-hooks", "--migration-hook")]
    [InlineData("on-failure-after-migration", "--on-failure-after-migration")]
    public void OptionName_NamesCoreInputsAsTheCliOptions(string input, string option) =>
        DeployCommand.OptionName(input).Should().Be(option);

    private static DeployCommand DeployOf(CliLine line) => line.Result.CommandResult.Command.Should().BeOfType<DeployCommand>().Subject;

    private static DeployRequest RequestOf(CliLine line) => DeployOf(line).ToRequest(line.Result);
}

public class CommandHelpTests
{
    [Theory]
    [InlineData("deploy")]
    [InlineData("simulator")]
    [InlineData("demo")]
    [InlineData("history")]
    public async Task Help_PrintsTheCommandsUsageAndDoesNothingElse(string command)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync([command, "--help"], stdout, stderr, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        code.Should().Be(0);
        stdout.ToString().Should().Contain("Usage:").And.Contain($"helm-sentinel {command} [options]");
        stdout.ToString().Should().NotContain("listening");
        stderr.ToString().Should().BeEmpty();
    }

    [Fact]
    public void Help_OfEveryCommand_ListsEveryOptionItDeclares()
    {
        var root = CliApp.CreateRoot([]);

        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
        {
            using var help = new StringWriter();
            HelpWithNotesAction.Write(root, help, command.Name);

            command.Options.Should().NotBeEmpty();
            foreach (var option in command.Options)
            {
                help.ToString().Should().Contain(option.Name, $"{command.Name} --help lists what {command.Name} declares")
                    .And.Contain(option.Description!);
            }
        }
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RootHelp_ListsTheCommands(string word)
    {
        using var stdout = new StringWriter();

        var code = await CliApp.RunAsync([word], stdout, TextWriter.Null, CancellationToken.None);

        code.Should().Be(0);
        stdout.ToString().Should().Contain("deploy").And.Contain("history").And.Contain("simulator").And.Contain("demo");
    }

    [Fact]
    public async Task UnknownOptionAsTheLastWord_Exits3NamingIt_NotAsAMissingValue_AndNamesNoActionInput()
    {
        // Regression: the hand-made parser took the last option for one that lacked its value ("needs a value") and
        // listed the action's input names as the known inputs.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["deploy", "--release", "web", "--chart", "./c", "--bogus-flag"], stdout, stderr, CancellationToken.None);

        code.Should().Be(ExitCodes.Rejected);
        stderr.ToString().Should().Contain("'--bogus-flag'")
            .And.NotContain("needs a value")
            .And.NotContain("Known inputs")
            .And.NotContain("secrets")
            .And.NotContain("extra-args");
        stdout.ToString().Should().BeEmpty();
    }

    [Fact]
    public async Task DeployHelp_ListsTheRetryAndSummaryOptions()
    {
        using var stdout = new StringWriter();

        var code = await CliApp.RunAsync(["deploy", "--help"], stdout, TextWriter.Null, CancellationToken.None);

        code.Should().Be(0);
        stdout.ToString().Should().MatchRegex(@"(?m)^\s+--retries <N>\s").And.MatchRegex(@"(?m)^\s+--retry-delay <D>\s")
            .And.MatchRegex(@"(?m)^\s+--summary-file <F>\s");
    }

    [Fact]
    public async Task NoCommand_Exits3WithTheCommands()
    {
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync([], TextWriter.Null, stderr, CancellationToken.None);

        code.Should().Be(ExitCodes.Rejected);
        stderr.ToString().Should().StartWith("error: no command given.").And.Contain("deploy");
    }
}
