using HelmSentinel.Deploy;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

/// <summary>The reports of deploys that ran a verification: golden Markdown and text, one per verdict.</summary>
public class VerificationReportTests
{
    private static readonly SecretMasker Masker = new([Outcomes.Secret]);

    public static TheoryData<string> Names => new() { nameof(Outcomes.VerificationPassed), nameof(Outcomes.VerificationFailed), nameof(Outcomes.VerificationCancelled), nameof(Outcomes.VerificationRestoredFailed) };

    private static DeployOutcome Outcome(string name) => (DeployOutcome)typeof(Outcomes).GetProperty(name)!.GetValue(null)!;

    private static string FileName(string name, string extension) =>
        "report-" + string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())) + extension;

    [Theory]
    [MemberData(nameof(Names))]
    public void Markdown_MatchesItsGoldenFile(string name)
    {
        GoldenFile.Verify(MarkdownReport.Render(Outcome(name), Masker), FileName(name, ".md"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Text_MatchesItsGoldenFile(string name)
    {
        GoldenFile.Verify(TextReport.Render(Outcome(name), Masker), FileName(name, ".txt"));
    }

    [Fact]
    public void Markdown_APassedVerification_HasTheVerdictAndOneRowPerCheck()
    {
        var md = MarkdownReport.Render(Outcomes.VerificationPassed, Masker);

        md.Should().Contain("#### Verification\n\n✅ **Passed**: 2 checks over 1m\n\n");
        md.Should().Contain("| `error-rate` | prometheus | 12 | 1 | 0 | `0.0021` | `result < 0.01 \\|\\| result <= baseline * 1.2` (baseline `0.0019`) | ✅ passed |\n");
    }

    [Fact]
    public void Markdown_PipesBackticksAndSecretsInCheckValues_CannotBreakTheTable()
    {
        var md = MarkdownReport.Render(Outcomes.VerificationFailed, Masker);

        md.Should().NotContain(Outcomes.Secret);
        md.Should().Contain("| `error-rate` | prometheus | 2 | 0 | 0 | `a\\|b token=***` | ``result < `0.01` \\| baseline`` (baseline `0.002`) | ❔ inconclusive |\n");
        md.Should().Contain("❌ **Failed**: healthz: GET /healthz answered 503 twice in a row (expected 200)\n");
    }

    [Fact]
    public void Text_AFailedVerification_NamesTheCheckAndWhyOnce()
    {
        var text = TextReport.Render(Outcomes.VerificationFailed, Masker);

        text.Should().StartWith("helm-sentinel: web upgrade to revision 3 failed; rolled back to revision 2 (now revision 4)\n");
        text.Should().Contain("reason: verification failed: healthz: GET /healthz answered 503 twice in a row (expected 200)\n");
        text.Should().Contain("verification: failed: healthz: GET /healthz answered 503 twice in a row (expected 200)\n");
        text.Should().NotContain(Outcomes.Secret);
    }

    [Fact]
    public void Text_ACancelledVerification_SaysTheReleaseIsLeftDeployed()
    {
        TextReport.Render(Outcomes.VerificationCancelled, Masker).Should().Contain(
            "verification: cancelled: the release is left deployed, its checks unfinished (cancelled 12s into the 1m bake)\n");
    }

    [Fact]
    public void Markdown_ACancelledVerification_SaysTheReleaseIsLeftDeployed()
    {
        MarkdownReport.Render(Outcomes.VerificationCancelled, Masker).Should().Contain(
            "⏹️ **Cancelled**: the release is left deployed, its checks unfinished (cancelled 12s into the 1m bake)\n");
    }

    [Theory]
    [InlineData("healthz", "down", "failed: check healthz: down")]
    [InlineData("healthz", null, "failed: check healthz")]
    [InlineData(null, "inconclusive with inconclusive: fail", "failed: inconclusive with inconclusive: fail")]
    public void Text_AFailedVerification_NamesTheCheckWhenTheReasonDoesNot(string? check, string? reason, string line)
    {
        var outcome = Outcomes.VerificationFailed with
        {
            Verification = Outcomes.VerificationFailed.Verification! with { FailedCheck = check, Reason = reason },
        };

        TextReport.Render(outcome, Masker).Should().Contain("\nverification: " + line + "\n");
    }

    [Fact]
    public void Timeline_ShowsTheVerificationMarks()
    {
        var md = MarkdownReport.Render(Outcomes.VerificationFailed, Masker);

        md.Should().Contain("    +40.5s : verification started\n    +50.5s : check healthz failed\n");
    }

    [Fact]
    public void NoVerification_NoSection()
    {
        MarkdownReport.Render(Outcomes.Succeeded, Masker).Should().NotContain("Verification");
        TextReport.Render(Outcomes.Succeeded, Masker).Should().NotContain("verification");
    }
}
