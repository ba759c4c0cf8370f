using HelmSentinel.Deploy;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public class MarkdownReportTests
{
    private static readonly SecretMasker Masker = new([Outcomes.Secret]);

    public static TheoryData<string, string> Cases => new()
    {
        { nameof(Outcomes.Succeeded), "report-succeeded.md" },
        { nameof(Outcomes.RolledBack), "report-rolled-back.md" },
        { nameof(Outcomes.FailFastRolledBack), "report-fail-fast.md" },
        { nameof(Outcomes.FirstInstallUninstalled), "report-first-install-uninstalled.md" },
        { nameof(Outcomes.RollbackFailed), "report-rollback-failed.md" },
        { nameof(Outcomes.Rejected), "report-rejected.md" },
    };

    private static DeployOutcome Outcome(string name) => name switch
    {
        nameof(Outcomes.Succeeded) => Outcomes.Succeeded,
        nameof(Outcomes.RolledBack) => Outcomes.RolledBack,
        nameof(Outcomes.FailFastRolledBack) => Outcomes.FailFastRolledBack,
        nameof(Outcomes.FirstInstallUninstalled) => Outcomes.FirstInstallUninstalled,
        nameof(Outcomes.RollbackFailed) => Outcomes.RollbackFailed,
        nameof(Outcomes.Rejected) => Outcomes.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_Outcome_MatchesTheGoldenFile(string outcome, string golden)
    {
        var markdown = MarkdownReport.Render(Outcome(outcome), Masker);

        GoldenFile.Verify(markdown, golden);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_Outcome_NeverPrintsTheSecret(string outcome, string golden)
    {
        _ = golden;

        MarkdownReport.Render(Outcome(outcome), Masker).Should().NotContain(Outcomes.Secret);
    }

    [Theory]
    [InlineData(DeployResult.Succeeded, "### ✅ helm-sentinel: web deployed revision 3")]
    [InlineData(DeployResult.RolledBack, "### ↩️ helm-sentinel: web upgrade to revision 3 failed; rolled back to revision 2 (now revision 4)")]
    [InlineData(DeployResult.RollbackFailed, "### 🚨 helm-sentinel: web rollback failed: the cluster needs a person")]
    [InlineData(DeployResult.Rejected, "### ⛔ helm-sentinel: web deploy rejected: nothing was changed")]
    [InlineData(DeployResult.Unreachable, "### 🔌 helm-sentinel: web not deployed: the cluster or helm could not be reached; nothing was changed")]
    public void Render_EachResult_StartsWithItsBanner(DeployResult result, string banner)
    {
        var outcome = Outcomes.RolledBack with { Result = result, CurrentRevision = result == DeployResult.Succeeded ? 3 : 4 };

        MarkdownReport.Render(outcome, SecretMasker.None).Should().StartWith(banner + "\n\n");
    }

    [Fact]
    public void Render_FailedUpgrade_SaysWhatWasAttemptedAndWhatIsDeployedNow_AsTheHistoryDoes()
    {
        var markdown = MarkdownReport.Render(Outcomes.RolledBack, Masker);

        markdown.Should()
            .Contain("| Attempted | `web-1.2.0` (app `1.2`) as revision 3, failed |\n| Deployed now | `web-1.1.0` (app `1.1`) as revision 4 |\n")
            .And.Contain("| 3 ❌ failed | 2026-11-24 12:00:00 | failed | web-1.2.0 | 1.2 |")
            .And.Contain("| 4 ✅ restored | 2026-11-24 12:05:00 | deployed | web-1.1.0 | 1.1 |")
            .And.NotContain("\n| Chart |").And.NotContain("(unchanged)");
    }

    [Fact]
    public void Render_FailedFirstInstall_SaysNothingIsDeployed()
    {
        MarkdownReport.Render(Outcomes.FirstInstallUninstalled, Masker).Should()
            .Contain("| Attempted | revision 1, failed |\n| Deployed now | nothing |\n");
    }

    [Fact]
    public void Render_Succeeded_KeepsFromTo()
    {
        MarkdownReport.Render(Outcomes.Succeeded, Masker).Should()
            .Contain("| Chart | `web-1.1.0` → `web-1.2.0` |\n| App version | `1.1` → `1.2` |\n")
            .And.NotContain("| Attempted |");
    }

    [Fact]
    public void Render_LongHelmError_IsCutAndSaysHowMuch()
    {
        var outcome = Outcomes.RollbackFailed with { HelmError = "Error: " + new string('x', 5000) };

        var markdown = MarkdownReport.Render(outcome, SecretMasker.None);

        markdown.Should().Contain("... (1007 more characters cut)").And.NotContain(new string('x', 4001));
    }

    [Fact]
    public void Render_HelmErrorWithBackticks_UsesALongerFence()
    {
        var outcome = Outcomes.RollbackFailed with { HelmError = "Error: bad ```yaml``` block" };

        MarkdownReport.Render(outcome, SecretMasker.None).Should().Contain("````text\nError: bad ```yaml``` block\n````\n");
    }

    [Fact]
    public void Render_SecretCutByTheErrorBound_IsMaskedBeforeCutting()
    {
        var error = new string('x', 3995) + Outcomes.Secret;
        var outcome = Outcomes.RollbackFailed with { HelmError = error };

        var markdown = MarkdownReport.Render(outcome, Masker);

        markdown.Should().NotContain(Outcomes.Secret[..5]).And.Contain("x***");
    }
}
