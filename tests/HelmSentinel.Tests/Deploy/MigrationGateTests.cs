using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Migrations;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Migrations;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.Tests.Support.History;
using static HelmSentinel.Tests.Support.ScriptedHelmProcess;

namespace HelmSentinel.Tests.Deploy;

/// <summary>The migration lint in the engine's sequence, with scripted helm answers and a real Git repository.</summary>
public sealed class MigrationGateTests
{
    private readonly RecordingLog _log = new();
    private readonly ManualClock _clock = new(Now) { AutoAdvance = true };

    private static DeployRequest Request(string folder) => new()
    {
        Release = "web", Chart = "repo/web", FailFast = false, ForceRollbackPods = false, Preflight = false,
        Migrations = ["db/migrations/*.sql"], MigrationsFolder = folder,
    };

    private DeployEngine Engine(IHelmProcess process) =>
        new(process, _log, _clock, new HelmRetryOptions { MaxRetries = 0, BaseDelay = TimeSpan.FromMilliseconds(1) });

    [Fact]
    public async Task ABaseGitDoesNotKnow_IsRejectedAsBadInput_NamedAsThePlatformNamesIt_BeforeHelmUpgradesAnything()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        var process = new ScriptedHelmProcess().Then("history", Ok(Json(Rev(1, "deployed"))));

        var outcome = await Engine(process).DeployAsync(
            Request(repo.Work) with { MigrationsBase = "origin/gone" }, new DeployOptions { InputName = n => "--" + n });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.ExitCode.Should().Be(3);
        outcome.FailureReason.Should().StartWith("invalid input: --migrations-base: Git does not know the revision 'origin/gone'");
        process.Commands.Should().Equal("history");
        outcome.History.Select(h => h.Revision).Should().Equal(1);
        _log.Lines.Should().Contain(l => l.Contains("invalid input '--migrations-base'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnderBlock_AFindingRefusesTheDeploy_AndOnlyTheHistoryIsRead()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        var process = new ScriptedHelmProcess().Then("history", Ok(Json(Rev(1, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request(repo.Work) with { DestructiveMigrations = DestructiveMigrationPolicy.Block });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.FailureReason.Should().Be("destructive-migrations is block and the migrations hold 1 destructive statement " +
            "(db/migrations/002_orders.sql:3 DROP COLUMN); nothing was changed");
        process.Commands.Should().Equal("history");
        outcome.Migrations!.Files.Should().Equal("db/migrations/001_users.sql", "db/migrations/002_orders.sql");
        outcome.Phases.Select(p => p.Name).Should().Equal("validate", "migration-lint");
        outcome.Timeline.Should().Contain(t => t.What == "migration lint: 1 destructive statement in 2 files");
    }

    [Fact]
    public async Task GlobsThatMatchNothing_AreAWarning_NotASilentPass()
    {
        using var repo = await PullRequestRepo.CreateAsync();
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Ok(""))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request(repo.Work) with { Migrations = ["migrations/*.sql"] });

        outcome.Warnings.Should().Contain("migrations: no file matches migrations/*.sql; nothing was linted");
    }

    [Fact]
    public async Task ThePlan_RefusesABaseGitDoesNotKnow_NamingTheInput()
    {
        using var repo = await PullRequestRepo.CreateAsync();

        var plan = await new PlanEngine(new ScriptedHelmProcess(), _log, _clock).PlanAsync(Request(repo.Work) with { MigrationsBase = "nope" });

        plan.Result.Should().Be(PlanResult.Rejected);
        plan.ExitCode.Should().Be(3);
        plan.InputErrors.Should().ContainSingle().Which.Input.Should().Be(DeployInputNames.MigrationsBase);
    }
}
