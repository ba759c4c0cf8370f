using System.Text.Json;
using HelmSentinel.Deploy;
using HelmSentinel.Migrations;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Migrations;

/// <summary>Which files are linted: the globs, and on a pull request only what it adds or changes (real git, a real repository).</summary>
public sealed class MigrationFilesTests
{
    [Theory]
    [InlineData("db/migrations/*.sql", "db/migrations/001.sql", true)]
    [InlineData("db/migrations/*.sql", "db/migrations/old/001.sql", false)]
    [InlineData("db/**/*.sql", "db/001.sql", true)]
    [InlineData("db/**/*.sql", "db/a/b/001.sql", true)]
    [InlineData("db/**", "db/a/b/notes.txt", true)]
    [InlineData("**/*.sql", "001.sql", true)]
    [InlineData("./db/m?.sql", "db/m1.sql", true)]
    [InlineData("db/*.sql", "db/m1.SQL", false)]
    [InlineData("db/*.sql", "db\\m1.sql", true)]
    public void AGlob_MatchesPathsAsGitNamesThem(string glob, string path, bool matches) =>
        MigrationGlob.IsMatch(glob, path).Should().Be(matches);

    [Theory]
    [InlineData("/etc/*.sql", "absolute")]
    [InlineData("../other/*.sql", "'..'")]
    [InlineData("db/../../x.sql", "'..'")]
    public void AGlobOutsideTheRepository_IsBadInputNamingMigrations(string glob, string problem)
    {
        var errors = DeployRequestValidator.Validate(new DeployRequest { Release = "web", Chart = "oci://r/web", Migrations = [glob] });

        errors.Should().ContainSingle(e => e.Input == DeployInputNames.Migrations).Which.Message.Should().Contain(glob).And.Contain(problem);
    }

    [Fact]
    public async Task WithoutABase_EveryMatchedFileIsLinted()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        repo.Write("db/migrations/notes.txt", "DROP TABLE users;");

        var result = await MigrationLint.RunAsync(repo.Work, ["db/migrations/*.sql"], SqlDialect.PostgreSql, null);

        result.Base.Should().BeNull();
        result.Files.Should().Equal("db/migrations/001_users.sql", "db/migrations/002_orders.sql");
        result.Findings.Should().ContainSingle().Which.Location.Should().Be("db/migrations/002_orders.sql:3");
    }

    [Fact]
    public async Task ADoubleStarFromTheRoot_FindsFilesAtAnyDepth_ButNothingInsideDotGit()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        repo.Write(".git/hooks/old.sql", "DROP TABLE users;");
        repo.Write("services/api/db/003.sql", "SELECT 1;");

        MigrationGlob.Match(repo.Work, ["**/*.sql"]).Should().Equal(
            "db/migrations/001_users.sql", "db/migrations/002_orders.sql", "services/api/db/003.sql");
    }

    [Fact]
    public async Task OnAPullRequestEvent_OnlyTheFileItChanged_IsLinted()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        var payload = JsonSerializer.Serialize(new { pull_request = new { number = 7, head = new { sha = "feed" }, @base = new { sha = repo.BaseSha } } });
        var context = GitHubContext.Read(new Dictionary<string, string> { ["GITHUB_REPOSITORY"] = "o/r" }, payload);
        var (settings, _) = ActionInputs.Read(new Dictionary<string, string>
        {
            ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = "db/migrations/*.sql", ["INPUT_DESTRUCTIVE_MIGRATIONS"] = "block",
        });

        var (request, errors) = DeployInputs.Parse(settings.WithMigrationsBase(context.PullRequestBase).DeployInputsWith(null));
        errors.Should().BeEmpty();
        var (result, error) = await MigrationGate.LintAsync(request! with { MigrationsFolder = repo.Work });

        context.PullRequestBase.Should().Be(repo.BaseSha);
        request!.MigrationsBase.Should().Be(repo.BaseSha);
        error.Should().BeNull();
        result!.Base.Should().Be(repo.BaseSha);
        result.Files.Should().Equal("db/migrations/002_orders.sql");
        result.Findings.Should().ContainSingle().Which.Should().Be(new MigrationFinding("db/migrations/002_orders.sql", 3, MigrationKind.DropColumn, "ALTER TABLE orders DROP COLUMN id;"));
    }

    [Fact]
    public async Task OnAnAzurePullRequestBuild_TheTargetBranchAsTheRemoteBranch_IsTheBase()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        await repo.GitAsync(repo.Work, "fetch", "--quiet", "origin");
        var context = AzureTaskContext.Parse(new Dictionary<string, string?>
        {
            ["INPUT_CONNECTIONTYPE"] = "none", ["INPUT_RELEASE"] = "web", ["INPUT_CHART"] = "oci://r/web", ["INPUT_MIGRATIONS"] = "db/migrations/*.sql",
            ["SYSTEM_PULLREQUEST_TARGETBRANCH"] = "refs/heads/main", ["AGENT_TEMPDIRECTORY"] = repo.Root,
        });

        var (request, errors) = DeployInputs.Parse(context.DeployInputsWith(null));
        errors.Should().BeEmpty();
        var (result, error) = await MigrationGate.LintAsync(request! with { MigrationsFolder = repo.Work });

        request!.MigrationsBase.Should().Be("origin/main");
        error.Should().BeNull();
        result!.Files.Should().Equal("db/migrations/002_orders.sql");
    }

    [Fact]
    public async Task ABaseGitDoesNotKnow_IsBadInputNamingMigrationsBase()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        var request = new DeployRequest { Release = "web", Chart = "oci://r/web", Migrations = ["db/**/*.sql"], MigrationsBase = "origin/no-such-branch", MigrationsFolder = repo.Work };

        var (result, error) = await MigrationGate.LintAsync(request);

        result.Should().BeNull();
        error!.Input.Should().Be(DeployInputNames.MigrationsBase);
        error.Message.Should().Contain("'origin/no-such-branch'").And.Contain("fetch");
    }

    [Fact]
    public async Task ABaseOutsideAGitWorkTree_IsBadInputSayingSo()
    {
        var folder = Directory.CreateTempSubdirectory("hs-no-git-").FullName;
        try
        {
            var request = new DeployRequest { Release = "web", Chart = "oci://r/web", Migrations = ["*.sql"], MigrationsBase = "main", MigrationsFolder = folder };

            var (_, error) = await MigrationGate.LintAsync(request);

            error!.Input.Should().Be(DeployInputNames.MigrationsBase);
            error.Message.Should().Contain("not inside a Git work tree").And.Contain("not a git repository");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("refs/heads/main", "origin/main")]
    [InlineData("refs/heads/release/2.0", "origin/release/2.0")]
    [InlineData("develop", "origin/develop")]
    [InlineData(null, null)]
    [InlineData(" ", null)]
    public void TheAzureTargetBranch_IsReadAsItsRemoteBranch(string? target, string? expected) =>
        AzureTaskContext.MigrationsBase(target).Should().Be(expected);
}
