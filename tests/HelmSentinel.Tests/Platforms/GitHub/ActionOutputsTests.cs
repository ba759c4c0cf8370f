using HelmSentinel.Deploy;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class ActionOutputsTests
{
    [Theory]
    [InlineData("fixture-web-0.1.0", "0.1.0")]
    [InlineData("my-app-2-1.0.0-rc.1", "1.0.0-rc.1")]
    [InlineData("web-v2.3.4+build.5", "v2.3.4+build.5")]
    [InlineData("web", null)]
    [InlineData("", null)]
    public void ChartVersion_IsWhatFollowsTheNameInHelmsChartColumn(string chart, string? version)
    {
        ActionOutputs.ChartVersion(chart).Should().Be(version);
    }

    [Fact]
    public void From_ARollback_GivesEveryOutputWithTheReasonMasked()
    {
        var outcome = new DeployOutcome
        {
            Result = DeployResult.RolledBack,
            Release = "web",
            Namespace = "shop",
            PreviousRevision = 4,
            AttemptedRevision = 5,
            RestoredRevision = 6,
            CurrentRevision = 6,
            After = new ChartSnapshot("web-1.2.3", "2.0.0"),
            FailureReason = "pod web-1 crashed: password s3cr3t-value rejected",
        };

        var outputs = ActionOutputs.From(outcome, new SecretMasker(["s3cr3t-value"]), "/tmp/report.md");

        outputs.Select(o => $"{o.Key}={o.Value}").Should().Equal(
            "result=rolled-back", "revision=6", "restored-revision=6", "previous-revision=4", "chart-version=1.2.3",
            "app-version=2.0.0", "failure-reason=pod web-1 crashed: password *** rejected", "report-path=/tmp/report.md",
            "verification=skipped", "failed-check=", "rollback-verification=skipped",
            "has-changes=", "blocking-findings=", "plan-path=");
    }

    [Fact]
    public void From_AFailedVerification_AddsTheVerdictAndTheFailedCheckMasked()
    {
        var outcome = new DeployOutcome
        {
            Result = DeployResult.RolledBack,
            Release = "web",
            Namespace = "shop",
            Verification = new VerificationReport(VerificationVerdict.Failed, [], "healthz-s3cr3t-value", "down", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        };

        var outputs = ActionOutputs.From(outcome, new SecretMasker(["s3cr3t-value"]), null);

        outputs.Select(o => $"{o.Key}={o.Value}").Skip(8).Take(3).Should().Equal("verification=failed", "failed-check=healthz-***", "rollback-verification=skipped");
    }

    [Theory]
    [InlineData(VerificationVerdict.Passed, "passed")]
    [InlineData(VerificationVerdict.Cancelled, "cancelled")]
    public void From_AVerificationWithoutAFailedCheck_LeavesItEmpty(VerificationVerdict verdict, string name)
    {
        var outcome = new DeployOutcome
        {
            Result = DeployResult.Succeeded,
            Release = "web",
            Namespace = "shop",
            Verification = new VerificationReport(verdict, [], null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        };

        ActionOutputs.From(outcome, SecretMasker.None, null).Select(o => $"{o.Key}={o.Value}").Skip(8).Take(3)
            .Should().Equal($"verification={name}", "failed-check=", "rollback-verification=skipped");
    }

    [Fact]
    public void From_NoVerification_SaysSkipped()
    {
        var outcome = new DeployOutcome { Result = DeployResult.Succeeded, Release = "web", Namespace = "shop" };

        ActionOutputs.From(outcome, SecretMasker.None, null).Select(o => $"{o.Key}={o.Value}").Skip(8).Take(3)
            .Should().Equal("verification=skipped", "failed-check=", "rollback-verification=skipped");
    }

    [Fact]
    public void From_AVerifiedRollback_SaysHowTheRestoredRevisionFared()
    {
        var report = new VerificationReport(VerificationVerdict.Failed, [], "healthz", "healthz: down", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var outcome = new DeployOutcome
        {
            Result = DeployResult.RollbackFailed,
            Release = "web",
            Namespace = "shop",
            Verification = report,
            RollbackVerification = report with { FailedCheck = "error-rate" },
        };

        ActionOutputs.From(outcome, SecretMasker.None, null).Select(o => $"{o.Key}={o.Value}").Skip(8).Take(3)
            .Should().Equal("verification=failed", "failed-check=healthz", "rollback-verification=failed");
    }

    [Theory]
    [InlineData(DeployResult.Succeeded, "succeeded")]
    [InlineData(DeployResult.RolledBack, "rolled-back")]
    [InlineData(DeployResult.RollbackFailed, "rollback-failed")]
    [InlineData(DeployResult.Rejected, "rejected")]
    [InlineData(DeployResult.Unreachable, "unreachable")]
    public void ResultName_IsKebabCase(DeployResult result, string name)
    {
        DeployResultNames.Of(result).Should().Be(name);
    }
}

public class GitHubReporterStatesTests
{
    [Theory]
    [InlineData(DeployResult.Succeeded, "success", "success")]
    [InlineData(DeployResult.RolledBack, "failure", "failure")]
    [InlineData(DeployResult.Rejected, "failure", "failure")]
    [InlineData(DeployResult.RollbackFailed, "error", "error")]
    [InlineData(DeployResult.Unreachable, "error", "error")]
    public void States_FollowTheResult(DeployResult result, string deployment, string commit)
    {
        Octokit.Internal.SimpleJsonSerializer serializer = new();

        serializer.Serialize(GitHubReporter.DeploymentStateFor(result)).Should().Be($"\"{deployment}\"");
        serializer.Serialize(GitHubReporter.CommitStateFor(result)).Should().Be($"\"{commit}\"");
    }
}
