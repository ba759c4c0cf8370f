using HelmSentinel.Deploy;
using HelmSentinel.Tests.Support;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Deploy;

/// <summary>The outcome holds nothing unmasked: what a check read (a body, a series' value) may carry a secret.</summary>
public sealed class OutcomeMaskingTests
{
    private const string Secret = "hunter2-in-a-body";

    [Fact]
    public void End_MasksBothVerificationReports_EveryTextOfEveryCheck()
    {
        var request = new DeployRequest { Release = "web", Chart = "./web", Secrets = [Secret] };
        var outcome = new OutcomeBuilder(request, TimeProvider.System, new RecordingLog());
        var check = new CheckReport($"c-{Secret}", $"http {Secret}", 1, 1, 0, $"body {Secret}", $"result < {Secret}", $"b {Secret}", CheckVerdict.Failed, $"why {Secret}");
        var report = new VerificationReport(VerificationVerdict.Failed, [check], $"c-{Secret}", $"c: {Secret}", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        outcome.Verification = report;
        outcome.RollbackVerification = report;

        var ended = outcome.End(new Verdict(DeployResult.RollbackFailed, "x"));

        foreach (var masked in new[] { ended.Verification!, ended.RollbackVerification! })
        {
            var c = masked.Checks.Should().ContainSingle().Subject;
            new[] { c.Name, c.Kind, c.LastValue, c.Condition, c.Baseline, c.Reason, masked.FailedCheck, masked.Reason }
                .Should().OnlyContain(t => t!.Contains("***") && !t.Contains(Secret));
            (c.Samples, c.Failures, c.Verdict).Should().Be((1, 1, CheckVerdict.Failed));
        }
    }
}
