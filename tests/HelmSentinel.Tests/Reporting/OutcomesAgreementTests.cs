using HelmSentinel.Deploy;
using HelmSentinel.Tests.Support;

namespace HelmSentinel.Tests.Reporting;

/// <summary>The outcomes the golden reports are made of are outcomes the engine could produce: each agrees with its history.</summary>
public class OutcomesAgreementTests
{
    public static TheoryData<string> Names => new() { "Succeeded", "RolledBack", "FailFastRolledBack", "FirstInstallUninstalled", "RollbackFailed", "Rejected",
        "VerificationPassed", "VerificationFailed", "VerificationCancelled" };

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryGoldenOutcome_AgreesWithItsHistory(string name)
    {
        var outcome = (DeployOutcome)typeof(Outcomes).GetProperty(name)!.GetValue(null)!;

        outcome.ShouldAgreeWithItsHistory();
    }
}
