using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Migrations;
using HelmSentinel.Plan;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.TestSupport;
using HelmSentinel.Tests.Support;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The destructive-migration lint in a deploy and a plan, with the real Helm 3.17.2 and 4.1.4 against the simulator:
/// under block the deploy is refused before helm upgrades anything; under warn it goes on with the findings reported;
/// the plan shows them as its own findings.
/// </summary>
public sealed class MigrationLintScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>, IDisposable
{
    private readonly RecordingLog _log = new();
    private readonly PlanChart _chart = new();
    private readonly DirectoryInfo _repo = Directory.CreateTempSubdirectory("hs-migration-scenario-");

    public void Dispose()
    {
        _chart.Dispose();
        _repo.Delete(recursive: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task UnderBlock_ADestructiveMigrationRefusesTheDeploy_WithExit3_AndTheHistoryUnchanged(int major)
    {
        var release = TestNames.Release([major]);
        await InstallAsync(major, release);
        var historyBefore = await HistoryAsync(major, release);
        var request = Request(major, release, DestructiveMigrationPolicy.Block) with { Set = ["replicas=2"] };

        var outcome = await cluster.Engine(_log).DeployAsync(request);

        outcome.Result.Should().Be(DeployResult.Rejected, outcome.FailureReason);
        outcome.ExitCode.Should().Be(3);
        outcome.FailureReason.Should().StartWith("destructive-migrations is block").And.Contain("db/migrations/002_split_name.sql:4 RENAME");
        outcome.Phases.Select(p => p.Name).Should().Contain("migration-lint").And.NotContain("upgrade").And.NotContain("preflight");
        (await HistoryAsync(major, release)).Should().Equal(historyBefore, "no helm upgrade ran");
        outcome.History.Select(e => e.Revision).Should().Equal(historyBefore.Select(e => e.Revision), "the report still shows the release as it is");
        var text = TextReport.Render(outcome, SecretMasker.None);
        text.Should().Contain("destructive migrations:\n  - db/migrations/002_split_name.sql:4: RENAME: ALTER TABLE users RENAME COLUMN name TO full_name;\n")
            .And.Contain("      what to do: " + MigrationKinds.Advice(MigrationKind.Rename));
        MarkdownReport.Render(outcome, SecretMasker.None).Should().Contain("#### Destructive migrations")
            .And.Contain("- `db/migrations/002_split_name.sql:4` RENAME: `ALTER TABLE users RENAME COLUMN name TO full_name;`");
    }

    [Fact]
    public async Task UnderWarn_TheDeployGoesOn_WithEachFindingAWarning()
    {
        var release = TestNames.Release([4]);
        await InstallAsync(4, release);

        var outcome = await cluster.Engine(_log).DeployAsync(Request(4, release, DestructiveMigrationPolicy.Warn) with { Set = ["replicas=2"] });

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        outcome.CurrentRevision.Should().Be(2);
        outcome.Warnings.Should().Contain("destructive migration db/migrations/002_split_name.sql:4: RENAME: ALTER TABLE users RENAME COLUMN name TO full_name;");
        outcome.Migrations!.Findings.Should().ContainSingle();
        var phases = outcome.Phases.Select(p => p.Name).ToList();
        phases.IndexOf("migration-lint").Should().BeLessThan(phases.IndexOf("preflight"));
    }

    [Theory]
    [InlineData(DestructiveMigrationPolicy.Warn, FindingSeverity.Warning, PlanResult.Planned)]
    [InlineData(DestructiveMigrationPolicy.Block, FindingSeverity.Blocking, PlanResult.Blocked)]
    public async Task ThePlan_ShowsTheFinding_BlockingUnderBlock(DestructiveMigrationPolicy policy, FindingSeverity severity, PlanResult result)
    {
        var release = TestNames.Release([4, policy.ToString()]);
        await InstallAsync(4, release);

        var plan = await new PlanEngine(new CliWrapHelmProcess(cluster.Environment), _log, TimeProvider.System, new HelmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200) })
            .PlanAsync(Request(4, release, policy));

        plan.Result.Should().Be(result, plan.Error);
        var finding = plan.Findings.Should().ContainSingle(f => f.Check == MigrationGate.Check).Subject;
        finding.Severity.Should().Be(severity);
        finding.Message.Should().Be("db/migrations/002_split_name.sql:4: RENAME: ALTER TABLE users RENAME COLUMN name TO full_name;");
        finding.Fix.Should().Be(MigrationKinds.Advice(MigrationKind.Rename));
        PlanReport.Text(plan, SecretMasker.None).Should().Contain($"[{finding.SeverityName}] destructive-migration: {finding.Message}");
    }

    private DeployRequest Request(int major, string release, DestructiveMigrationPolicy policy)
    {
        var migrations = Path.Combine(_repo.FullName, "db", "migrations");
        Directory.CreateDirectory(migrations);
        File.WriteAllText(Path.Combine(migrations, "001_users.sql"), "-- DROP TABLE users; was the old plan\nCREATE TABLE users (id int, name text);\n");
        File.WriteAllText(Path.Combine(migrations, "002_split_name.sql"), """
            /* expand first:
               ALTER TABLE users DROP COLUMN name; comes later */
            INSERT INTO audit (note) VALUES ('DROP COLUMN name');
            ALTER TABLE users RENAME COLUMN name TO full_name;

            """);
        return cluster.Request(major, release) with
        {
            Chart = _chart.Root,
            Migrations = ["db/migrations/*.sql"],
            DestructiveMigrations = policy,
            MigrationsFolder = _repo.FullName,
        };
    }

    private async Task InstallAsync(int major, string release)
    {
        var install = await cluster.Engine(_log).DeployAsync(cluster.Request(major, release) with { Chart = _chart.Root });
        install.Result.Should().Be(DeployResult.Succeeded, install.FailureReason);
    }

    private async Task<List<(int Revision, string Status)>> HistoryAsync(int major, string release)
    {
        var result = await cluster.HelmAsync(major, "history", release, "--namespace", release, "-o", "json");
        return [.. ReleaseHistory.Parse(result.StandardOutput).Entries.Select(e => (e.Revision, e.Status))];
    }
}
