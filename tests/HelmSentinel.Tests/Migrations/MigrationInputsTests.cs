using HelmSentinel.Deploy;
using HelmSentinel.Migrations;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Migrations;

/// <summary>The migration inputs as every entry point gives them to the core, and what is wrong with them, named.</summary>
public sealed class MigrationInputsTests
{
    private static Dictionary<string, IReadOnlyList<string>> Inputs(params (string Name, string Value)[] extra)
    {
        var inputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["release"] = ["web"], ["chart"] = ["oci://r/web"] };
        foreach (var (name, value) in extra)
        {
            inputs[name] = [value];
        }

        return inputs;
    }

    [Fact]
    public void WithoutMigrationInputs_ThereIsNoLint_AndTheDefaultsArePostgreSqlAndWarn()
    {
        var (request, errors) = DeployInputs.Parse(Inputs());

        errors.Should().BeEmpty();
        request!.Migrations.Should().BeEmpty();
        request.MigrationsDialect.Should().Be(SqlDialect.PostgreSql);
        request.DestructiveMigrations.Should().Be(DestructiveMigrationPolicy.Warn);
        request.MigrationsBase.Should().BeNull();
    }

    [Fact]
    public void TheGlobs_AreNewlineOrCommaSeparated_AndTheChoicesAnyCase()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(
            ("migrations", "db/a/*.sql, db/b/*.sql\n\n db/**/V*.sql "), ("migrations-dialect", "MySQL"), ("destructive-migrations", "Block"), ("migrations-base", "origin/main")));

        errors.Should().BeEmpty();
        request!.Migrations.Should().Equal("db/a/*.sql", "db/b/*.sql", "db/**/V*.sql");
        request.MigrationsDialect.Should().Be(SqlDialect.MySql);
        request.DestructiveMigrations.Should().Be(DestructiveMigrationPolicy.Block);
        request.MigrationsBase.Should().Be("origin/main");
    }

    [Theory]
    [InlineData("migrations-dialect", "oracle", "'oracle' is not one of postgresql, mysql, sqlserver.")]
    [InlineData("destructive-migrations", "ignore", "'ignore' is not one of warn, block.")]
    public void AnUnknownChoice_IsAnErrorNamingTheInput(string input, string value, string message)
    {
        var (request, errors) = DeployInputs.Parse(Inputs((input, value)));

        request.Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Be(new InputError(input, message));
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("main branch")]
    public void ABaseThatIsNoRevision_IsAnErrorNamingMigrationsBase(string revision)
    {
        var errors = DeployRequestValidator.Validate(new DeployRequest { Release = "web", Chart = "oci://r/web", Migrations = ["db/*.sql"], MigrationsBase = revision });

        errors.Should().ContainSingle().Which.Input.Should().Be(DeployInputNames.MigrationsBase);
    }

    [Fact]
    public void TheAction_TakesTheInputs_AndThePullRequestsBaseFromTheEvent()
    {
        var (settings, errors) = ActionInputs.Read(new Dictionary<string, string>
        {
            ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = "db/migrations/*.sql",
            ["INPUT_MIGRATIONS_DIALECT"] = "sqlserver", ["INPUT_DESTRUCTIVE_MIGRATIONS"] = "block",
        });
        var context = GitHubContext.Read(new Dictionary<string, string>(), """{"pull_request": {"number": 7, "head": {"sha": "head111"}, "base": {"sha": "base000"}}}""");

        var (request, parseErrors) = DeployInputs.Parse(settings.WithMigrationsBase(context.PullRequestBase).DeployInputsWith(null));

        errors.Should().BeEmpty();
        parseErrors.Should().BeEmpty();
        request!.Migrations.Should().Equal("db/migrations/*.sql");
        request.MigrationsDialect.Should().Be(SqlDialect.SqlServer);
        request.DestructiveMigrations.Should().Be(DestructiveMigrationPolicy.Block);
        request.MigrationsBase.Should().Be("base000");
    }

    [Theory]
    [InlineData("""{"pull_request": {"number": 7, "base": {"sha": "base000"}}}""", "", null)]
    [InlineData("""{"ref": "refs/heads/main"}""", "db/*.sql", null)]
    [InlineData("""{"pull_request": {"number": 7, "base": {"sha": "base000"}}}""", "db/*.sql", "base000")]
    public void TheActionsBase_IsSetOnlyForMigrationsOnAPullRequest(string payload, string migrations, string? expected)
    {
        var environment = new Dictionary<string, string> { ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = migrations };
        var (settings, _) = ActionInputs.Read(environment);

        var inputs = settings.WithMigrationsBase(GitHubContext.Read(new Dictionary<string, string>(), payload).PullRequestBase).DeployInputs;

        (inputs.TryGetValue(DeployInputNames.MigrationsBase, out var value) ? value[0] : null).Should().Be(expected);
    }

    [Fact]
    public void TheAzureTask_MapsItsCamelCaseInputs_AndOnAPullRequestBuildTheTargetBranch()
    {
        var context = AzureTaskContext.Parse(new Dictionary<string, string?>
        {
            ["INPUT_CONNECTIONTYPE"] = "none", ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = "db/a/*.sql\ndb/b/*.sql",
            ["INPUT_MIGRATIONSDIALECT"] = "mysql", ["INPUT_DESTRUCTIVEMIGRATIONS"] = "block", ["SYSTEM_PULLREQUEST_TARGETBRANCH"] = "refs/heads/main",
            ["AGENT_TEMPDIRECTORY"] = "/agent/_temp",
        });

        var (request, errors) = DeployInputs.Parse(context.DeployInputsWith(null));

        context.Errors.Should().BeEmpty();
        errors.Should().BeEmpty();
        request!.Migrations.Should().Equal("db/a/*.sql", "db/b/*.sql");
        request.MigrationsDialect.Should().Be(SqlDialect.MySql);
        request.DestructiveMigrations.Should().Be(DestructiveMigrationPolicy.Block);
        request.MigrationsBase.Should().Be("origin/main");
        AzureTaskContext.TaskInputName(DeployInputNames.DestructiveMigrations).Should().Be("destructiveMigrations");
    }

    [Fact]
    public void AnAzureBuildThatIsNoPullRequest_LintsEveryMatchedFile()
    {
        var context = AzureTaskContext.Parse(new Dictionary<string, string?>
        {
            ["INPUT_CONNECTIONTYPE"] = "none", ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = "db/*.sql",
            ["AGENT_TEMPDIRECTORY"] = "/agent/_temp",
        });

        context.DeployInputs.Should().NotContainKey(DeployInputNames.MigrationsBase);
    }
}
