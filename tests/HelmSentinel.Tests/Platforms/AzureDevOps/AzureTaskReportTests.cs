using HelmSentinel.Deploy;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class AzureTaskReportTests
{
    private static readonly DeployOutcome RolledBack = new()
    {
        Result = DeployResult.RolledBack,
        Release = "web",
        Namespace = "shop",
        PreviousRevision = 4,
        AttemptedRevision = 5,
        RestoredRevision = 6,
        CurrentRevision = 6,
        FailureReason = "pod web-1: CrashLoopBackOff; token hunter2-secret\nsecond line",
    };

    [Theory]
    [InlineData(DeployResult.Succeeded, "succeeded", 0)]
    [InlineData(DeployResult.RolledBack, "rolled-back", 1)]
    [InlineData(DeployResult.RollbackFailed, "rollback-failed", 2)]
    [InlineData(DeployResult.Rejected, "rejected", 3)]
    [InlineData(DeployResult.Unreachable, "unreachable", 4)]
    public void ResultName_AndExitCode_PerResult(DeployResult result, string name, int exitCode)
    {
        DeployResultNames.Of(result).Should().Be(name);
        ExitCodes.For(result).Should().Be(exitCode);
    }

    [Fact]
    public void Commands_ForARollback_AreTheErrorOutputsSummaryAndTag_Masked()
    {
        var commands = AzureTaskReport.Commands(RolledBack, new SecretMasker(["hunter2-secret"]), "/t/s.md").ToList();

        commands.Should().Equal(
            "##vso[task.logissue type=error]helm-sentinel: web upgrade to revision 5 failed%3B rolled back to revision 4 (now revision 6): pod web-1: CrashLoopBackOff%3B token ***%0Asecond line",
            "##vso[task.setvariable variable=result;isOutput=true;issecret=false]rolled-back",
            "##vso[task.setvariable variable=revision;isOutput=true;issecret=false]6",
            "##vso[task.setvariable variable=restoredRevision;isOutput=true;issecret=false]6",
            "##vso[task.setvariable variable=previousRevision;isOutput=true;issecret=false]4",
            "##vso[task.setvariable variable=failureReason;isOutput=true;issecret=false]pod web-1: CrashLoopBackOff%3B token *** second line",
            "##vso[task.setvariable variable=verification;isOutput=true;issecret=false]skipped",
            "##vso[task.setvariable variable=failedCheck;isOutput=true;issecret=false]",
            "##vso[task.setvariable variable=rollbackVerification;isOutput=true;issecret=false]skipped",
            "##vso[task.setvariable variable=hasChanges;isOutput=true;issecret=false]",
            "##vso[task.setvariable variable=blockingFindings;isOutput=true;issecret=false]",
            "##vso[task.setvariable variable=planPath;isOutput=true;issecret=false]",
            "##vso[task.uploadsummary]/t/s.md",
            "##vso[build.addbuildtag]helm-sentinel:rolled-back");
        AzureTaskReport.Complete(RolledBack, new SecretMasker(["hunter2-secret"]))
            .Should().Be("##vso[task.complete result=Failed;]pod web-1: CrashLoopBackOff%3B token ***%0Asecond line");
    }

    [Fact]
    public void Outputs_AFailedVerification_SetsTheVerdictAndTheFailedCheckMasked()
    {
        var outcome = RolledBack with
        {
            Verification = new VerificationReport(VerificationVerdict.Failed, [], "healthz hunter2-secret\nx", "down", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        };

        AzureTaskReport.Outputs(outcome, new SecretMasker(["hunter2-secret"])).Where(o => o.Name.Contains("erification", StringComparison.Ordinal) || o.Name == "failedCheck").Should()
            .Equal(("verification", "failed"), ("failedCheck", "healthz *** x"), ("rollbackVerification", "skipped"));
        AzureTaskReport.Commands(outcome, SecretMasker.None, "/s.md").Should()
            .Contain("##vso[task.setvariable variable=verification;isOutput=true;issecret=false]failed");
    }

    [Fact]
    public void Outputs_APassedVerification_LeavesTheFailedCheckEmpty()
    {
        var outcome = RolledBack with
        {
            Verification = new VerificationReport(VerificationVerdict.Passed, [], null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        };

        AzureTaskReport.Outputs(outcome, SecretMasker.None).Where(o => o.Name.Contains("erification", StringComparison.Ordinal) || o.Name == "failedCheck").Should().Equal(("verification", "passed"), ("failedCheck", ""), ("rollbackVerification", "skipped"));
    }

    [Fact]
    public void OutputNames_MatchTaskJson()
    {
        var taskJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(HelmSentinel.TestSupport.Tools.RepoRoot, "task.json")))!;

        taskJson["outputVariables"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).Should().Equal(AzureTaskReport.OutputNames);
        var verified = RolledBack with
        {
            Verification = new VerificationReport(VerificationVerdict.Failed, [], "healthz", "healthz: down", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        };
        AzureTaskReport.Outputs(verified, SecretMasker.None).Select(o => o.Name).Should().Equal(AzureTaskReport.OutputNames);
        AzureTaskReport.Outputs(RolledBack, SecretMasker.None).Should().Equal(
            AzureTaskReport.Outputs(RolledBack, SecretMasker.None).Take(5).Concat([("verification", "skipped"), ("failedCheck", ""), ("rollbackVerification", "skipped"),
                ("hasChanges", ""), ("blockingFindings", ""), ("planPath", "")]),
            "a deploy without a verification or a preflight sets every variable, the verdicts to skipped, the plan's empty");
    }

    [Fact]
    public void ThreadKeyAndStatusName_IncludeTheEnvironmentWhenKnown()
    {
        AzureTaskReport.ThreadKey("web", "shop", null).Should().Be("shop/web");
        AzureTaskReport.ThreadKey("web", "shop", "staging").Should().Be("shop/web@staging");
        AzureTaskReport.StatusName("web", null).Should().Be("web");
        AzureTaskReport.StatusName("web", "prod").Should().Be("web@prod");
    }

    [Fact]
    public void ThreadContent_IsTheMarkdownReportWithTheRunLink_Masked()
    {
        var content = AzureTaskReport.ThreadContent(RolledBack, new SecretMasker(["hunter2-secret"]), "https://dev.azure.com/o/p/_build/results?buildId=1", "staging");

        content.Should().StartWith("### ↩️ helm-sentinel: web upgrade to revision 5 failed")
            .And.Contain("[pipeline run](https://dev.azure.com/o/p/_build/results?buildId=1)")
            .And.Contain("environment `staging`")
            .And.NotContain("hunter2-secret");
    }

    [Fact]
    public void Rejected_NamesTheTaskInputs()
    {
        var outcome = AzureTaskReport.Rejected(null, "default", [new InputError("history-max", "'x' is not a whole number.")]);

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.Release.Should().Be("(no release)");
        outcome.FailureReason.Should().Be("invalid input: historyMax: 'x' is not a whole number.");
    }

    [Fact]
    public void SummaryFileName_KeepsSafeCharactersOnly() =>
        AzureTaskReport.SummaryFileName("we/b;x", "shop").Should().Be("helm-sentinel-shop-we-b-x.md");
}
