using HelmSentinel.Deploy;
using HelmSentinel.Kubernetes;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public class MigrationHookReportTests
{
    private const string Warning = "migration hook `Job/web-migrate` completed at +12s; rolling back restores revision 1's code, not the schema; " +
        "revision 1 has no pre-rollback hook (no down migration runs); the chart being deployed declares no pre-rollback hook";

    private static readonly MigrationHookRun Run = new("Job/web-migrate", ["pre-upgrade"])
    {
        Completed = true, ExitCode = 0, Pod = "web-migrate-x1", LastLogLines = ["applying 0042_orders", "applied 1 migration with s3cret"],
    };

    private static DeployOutcome RolledBackAfterAMigration => Outcomes.RolledBack with
    {
        FailureReason = Warning + "\npod web-2-abcde (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1",
        MigrationHooks = [Run],
    };

    [Fact]
    public void TextReport_PutsTheMigrationFirstInTheReason_AndListsTheHookWithItsLog()
    {
        var text = TextReport.Render(RolledBackAfterAMigration, new SecretMasker(["s3cret"]));

        text.Should().Contain("reason: " + Warning + "\n  pod web-2-abcde")
            .And.Contain("migration hooks:\n  - Job/web-migrate (pre-upgrade): completed, exit code 0, pod web-migrate-x1\n" +
                         "      | applying 0042_orders\n      | applied 1 migration with ***\n");
    }

    [Fact]
    public void MarkdownReport_PutsTheMigrationFirstInWhy_AndFencesTheHooksLog()
    {
        var md = MarkdownReport.Render(RolledBackAfterAMigration, new SecretMasker(["s3cret"]));

        md.Should().Contain("#### Why\n\n- " + Markdown.EscapeInline(Warning) + "\n- pod web-2-abcde")
            .And.Contain("#### Migration hooks\n\n- Job/web-migrate (pre-upgrade): completed, exit code 0, pod web-migrate-x1\n\n" +
                         "Last log lines of `web-migrate-x1`:\n\n")
            .And.Contain("applied 1 migration with ***").And.NotContain("s3cret");
    }

    [Fact]
    public void AStoppedDeploy_SaysItWasLeftForARollForward_AndHowToGoOn()
    {
        var stopped = Outcomes.RollbackFailed with { StoppedAfterMigration = true, MigrationHooks = [Run], PreviousRevision = 1, AttemptedRevision = 2 };

        TextReport.Headline(stopped).Should().Be(
            $"{stopped.Release} upgrade to revision 2 failed after its migration; left as it is for a roll-forward fix (on-failure-after-migration: stop)");
        NextSteps.For(stopped).Should().HaveCount(3).And.Contain(s => s.StartsWith("fix forward", StringComparison.Ordinal))
            .And.Contain(s => s.Contains($"helm rollback {stopped.Release} 1 --namespace {stopped.Namespace} --wait", StringComparison.Ordinal));
    }

    [Fact]
    public void NoMigrationHooks_NoSection()
    {
        TextReport.Render(Outcomes.RolledBack, SecretMasker.None).Should().NotContain("migration hooks:");
        MarkdownReport.Render(Outcomes.RolledBack, SecretMasker.None).Should().NotContain("Migration hooks");
    }
}
