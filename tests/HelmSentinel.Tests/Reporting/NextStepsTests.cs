using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public class NextStepsTests
{
    [Fact]
    public void OnlyARollbackThatFailed_GetsSteps()
    {
        NextSteps.For(Outcomes.Succeeded).Should().BeEmpty();
        NextSteps.For(Outcomes.RolledBack).Should().BeEmpty();
        NextSteps.For(Outcomes.Rejected).Should().BeEmpty();
    }

    [Fact]
    public void ARollbackThatFailed_SaysWhatToRun_ForThisRelease_StuckPodsAndALeftoverLockIncluded()
    {
        var outcome = Outcomes.RollbackFailed with
        {
            StuckPods = [new StuckPod("web-worker-1", "StatefulSet/web-worker", "web-worker-79c4b1", "web-worker-6d5f8c", "StatefulSets do not replace a pod that is not Ready")],
            History = [.. Outcomes.RollbackFailed.History, new HistoryEntry(7, null, ReleaseStatus.PendingRollback, "web-1.1.0", "1.1", "Rollback to 4")],
        };

        NextSteps.For(outcome).Should().Equal(
            "see what is not running: kubectl get pods --namespace shop, and the diagnosis above",
            "replace the pod the StatefulSet will not replace by itself: kubectl delete pod web-worker-1 --namespace shop",
            "once the cause is fixed, return to the last good revision: helm rollback web 4 --namespace shop --wait (it also clears the pending-rollback lock of revision 7)",
            "then deploy again; until then the release is not at a known good state");
        TextReport.Render(outcome, SecretMasker.None).Should().Contain("what to do:\n  - see what is not running");
    }

    [Fact]
    public void AFirstInstallThatCouldNotBeRemoved_SaysToUninstallIt()
    {
        var outcome = Outcomes.FirstInstallUninstalled with { Result = DeployResult.RollbackFailed, Uninstalled = false };

        NextSteps.For(outcome).Should().Contain("remove what is left of the failed install: helm uninstall api --namespace team-a --wait");
    }
}
