using HelmSentinel.Deploy;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public class TextReportTests
{
    private static readonly SecretMasker Masker = new([Outcomes.Secret]);

    [Fact]
    public void Render_RolledBack_ShowsResultReasonErrorActionsAndHistory()
    {
        var text = TextReport.Render(Outcomes.RolledBack, Masker);

        text.Should().Be(
            "helm-sentinel: web upgrade to revision 3 failed; rolled back to revision 2 (now revision 4)\n" +
            "release web in namespace shop, chart web-1.2.0 attempted (revision 3, failed), web-1.1.0 deployed now (revision 4), helm v4.1.4+g05fa379, took 5m2s\n" +
            "reason: the upgrade did not become ready within 5m0s\n" +
            "helm error:\n" +
            "    Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: resource Deployment/shop/web not ready. status: InProgress, message: Available: 0/3 (DB_PASSWORD=***)\n" +
            "    context deadline exceeded\n" +
            "actions:\n" +
            "  - Helm rolled back to revision 2 as revision 4\n" +
            "history:\n" +
            "REVISION  UPDATED (UTC)        STATUS      CHART      APP VERSION  DESCRIPTION\n" +
            "1         2026-11-23 12:00:00  superseded  web-1.0.0  1.0          Install complete\n" +
            "2         2026-11-24 11:00:00  superseded  web-1.1.0  1.1          Upgrade complete\n" +
            "3         2026-11-24 12:00:00  failed      web-1.2.0  1.2          Upgrade \"web\" failed: resource Deployment/shop/web not ready. status: InProgress | DB_PASSWORD=*** context deadline e...  <- failed\n" +
            "4         2026-11-24 12:05:00  deployed    web-1.1.0  1.1          Rollback to 2                                                                                                             <- restored\n");
    }

    [Fact]
    public void Render_FailFast_ShowsTheDiagnosisMasked()
    {
        var text = TextReport.Render(Outcomes.FailFastRolledBack, Masker);

        text.Should().Contain(
            "diagnosis: pod web-7d9f8-x2x4q (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1 (fail-fast stopped the rollout)\n" +
            "  pod web-7d9f8-x2x4q (Deployment/web) container web: CrashLoopBackOff, exit code 1, 2 restarts\n" +
            "    message: back-off 2s restarting failed container=web pod=web-7d9f8-x2x4q_shop(uid)\n" +
            "    last log lines:\n" +
            "      2026/11/24 12:00:03 connecting with password ***\n" +
            "      panic: required setting DATABASE_URL is not set\n" +
            "    events:\n" +
            "      - BackOff: Back-off restarting failed container web in pod web-7d9f8-x2x4q_shop(uid) (x2)\n" +
            "  not ready:\n" +
            "    - Deployment/web: 2/3 ready, 1 updated\n" +
            "actions:\n");
        text.Should().NotContain(Outcomes.Secret);
        TextReport.Render(Outcomes.RolledBack, Masker).Should().NotContain("diagnosis:");
    }

    [Fact]
    public void Render_Succeeded_HasNoReasonAndMarksNothingFailed()
    {
        var text = TextReport.Render(Outcomes.Succeeded, Masker);

        text.Should().StartWith("helm-sentinel: web deployed revision 3\n")
            .And.Contain("warnings:\n  - history-max 3")
            .And.NotContain("reason:")
            .And.NotContain("<- failed");
    }

    [Fact]
    public void Render_Rejected_MasksTheSecretInTheReasonAndIndentsLines()
    {
        var text = TextReport.Render(Outcomes.Rejected, Masker);

        text.Should().NotContain(Outcomes.Secret)
            .And.Contain("reason: release: release 'Web_App'")
            .And.Contain("\n  set: set item 'password ***' has no '='")
            .And.Contain("helm not reached")
            .And.EndWith("history:\n(no revisions)\n");
    }

    [Fact]
    public void Render_RollbackFailed_SaysNothingIsDeployedAndMarksTheFailedRevision()
    {
        var text = TextReport.Render(Outcomes.RollbackFailed, Masker);

        text.Should().StartWith("helm-sentinel: web rollback failed: the cluster needs a person\n")
            .And.Contain("chart web-1.2.0 attempted (revision 5, failed), nothing deployed now, helm")
            .And.Contain("actions:\n  - Helm's rollback did not restore revision 4")
            .And.MatchRegex("(?m)^5 .*failed: context deadline exceeded +<- failed$");
    }

    [Fact]
    public void Render_Succeeded_SaysFromWhichChartToWhich()
    {
        TextReport.Render(Outcomes.Succeeded, Masker).Should().Contain("\nrelease web in namespace shop, chart web-1.1.0 -> web-1.2.0, helm ");
    }

    [Fact]
    public void Render_FailedFirstInstall_SaysWhatWasAttemptedAndThatNothingIsDeployed()
    {
        // Helm removed the install: the history no longer holds revision 1, so the chart is the one asked for.
        TextReport.Render(Outcomes.FirstInstallUninstalled, Masker).Should()
            .Contain("\nrelease api in namespace team-a, chart acme/api attempted (revision 1, failed), nothing deployed now, helm ");
    }

    [Fact]
    public void Render_FailedUpgradeOfTheSameChart_NamesItTwiceWithTheirRevisions()
    {
        // The report that prompted this: a values-only upgrade that failed and was rolled back.
        var outcome = Outcomes.RolledBack with
        {
            Before = new ChartSnapshot("demo-web-1.0.0", "1.0"),
            After = new ChartSnapshot("demo-web-1.0.0", "1.0"),
            PreviousRevision = 1,
            AttemptedRevision = 2,
            RestoredRevision = 3,
            CurrentRevision = 3,
            History =
            [
                Outcomes.Rev(1, "superseded", "demo-web-1.0.0", "1.0", "Install complete"),
                Outcomes.Rev(2, "failed", "demo-web-1.0.0", "1.0", "Upgrade \"web\" failed"),
                Outcomes.Rev(3, "deployed", "demo-web-1.0.0", "1.0", "Rollback to 1"),
            ],
        };

        TextReport.Render(outcome, Masker).Should()
            .Contain(", chart demo-web-1.0.0 attempted (revision 2, failed), demo-web-1.0.0 deployed now (revision 3), ")
            .And.NotContain(" -> ");
    }

    [Fact]
    public void Render_RollbackFailedWithADeployedRevision_NamesItFromTheHistory()
    {
        // The explicit rollback ran but did not restore the content; the revision deployed now is known, its chart only from the history.
        var outcome = Outcomes.RollbackFailed with
        {
            CurrentRevision = 7,
            History = [.. Outcomes.RollbackFailed.History, Outcomes.Rev(7, "deployed", "web-1.0.0", "1.0", "Rollback to 4", 10)],
        };

        TextReport.Render(outcome, Masker).Should().Contain(", chart web-1.2.0 attempted (revision 5, failed), web-1.0.0 deployed now (revision 7), ");
    }

    [Fact]
    public void Render_FailedWithoutACurrentRevision_TakesTheDeployedOneFromTheHistory()
    {
        // Clearing a stale lock failed: no revision was attempted and the outcome names no current one, but the history does.
        var outcome = Outcomes.RollbackFailed with
        {
            Before = null,
            PreviousRevision = null,
            AttemptedRevision = null,
            History = [Outcomes.Rev(3, "deployed", "web-1.0.0", "1.0", "Upgrade complete", -60), Outcomes.Rev(4, "pending-upgrade", "web-1.1.0", "1.1", "Preparing upgrade", -30)],
        };

        TextReport.Render(outcome, Masker).Should().Contain(", chart ./charts/web attempted (failed), web-1.0.0 deployed now (revision 3), ");
    }

    [Theory]
    [InlineData(DeployResult.Rejected)]
    [InlineData(DeployResult.Unreachable)]
    public void Render_NothingChanged_SaysWhatIsStillDeployed(DeployResult result)
    {
        var outcome = Outcomes.Succeeded with
        {
            Result = result,
            After = Outcomes.Succeeded.Before,
            AttemptedRevision = null,
            CurrentRevision = 2,
            History = Outcomes.Succeeded.History.Take(2).Select(e => e.Revision == 2 ? e with { Status = "deployed" } : e).ToList(),
        };

        TextReport.Render(outcome, Masker).Should().Contain(", chart web-1.1.0 deployed now (revision 2), nothing was changed, helm ")
            .And.NotContain("attempted");
    }

    [Theory]
    [InlineData(DeployResult.Succeeded, true, false, "api installed revision 1")]
    [InlineData(DeployResult.RolledBack, true, true, "api install failed; the release was uninstalled")]
    [InlineData(DeployResult.RollbackFailed, true, false, "api install failed and could not be removed: the cluster needs a person")]
    public void Headline_FirstInstall_SaysInstall(DeployResult result, bool firstInstall, bool uninstalled, string expected)
    {
        var outcome = Outcomes.FirstInstallUninstalled with
        {
            Result = result,
            FirstInstall = firstInstall,
            Uninstalled = uninstalled,
            CurrentRevision = result == DeployResult.Succeeded ? 1 : null,
        };

        TextReport.Headline(outcome).Should().Be(expected);
    }

    [Fact]
    public void Headline_RolledBackWithoutRevisions_StaysReadable()
    {
        var outcome = new DeployOutcome { Result = DeployResult.RolledBack, Release = "web", Namespace = "shop" };

        TextReport.Headline(outcome).Should().Be("web upgrade failed; rolled back");
    }

    [Fact]
    public void Render_LongHelmError_IsBounded()
    {
        var outcome = Outcomes.RollbackFailed with { HelmError = new string('e', 10_000) };

        var text = TextReport.Render(outcome, SecretMasker.None);

        text.Should().Contain("... (6000 more characters cut)");
    }
}
