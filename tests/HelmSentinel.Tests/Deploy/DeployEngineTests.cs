using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.Tests.Support.History;
using static HelmSentinel.Tests.Support.ScriptedHelmProcess;

namespace HelmSentinel.Tests.Deploy;

/// <summary>The engine's sequence, driven through the process seam with scripted helm answers.</summary>
public class DeployEngineTests
{
    private const string NotFound = "Error: release: not found\n";
    private const string AtomicRolledBack3 = "Error: UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: context deadline exceeded\n";
    private const string AtomicRolledBack4 = "Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: resource Deployment/default/web not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded\n";
    private const string RollbackFailed = "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: context deadline exceeded: release web failed: context deadline exceeded\n";
    private const string Unreachable = "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused\n";

    private readonly RecordingLog _log = new();
    private readonly ManualClock _clock = new(Now) { AutoAdvance = true };

    // FailFast off: these tests script helm; no cluster is there to watch.
    // No cluster behind the scripted helm: nothing that would talk to one (the watcher, the forced rollback).
    // These scripts are about the rollback's logic: migration detection is off, or the failure path would also read the
    // failed revision's release record (helm status) for a migration hook that completed (MigrationGuardTests cover that).
    private static DeployRequest Request() => new()
    {
        Release = "web", Chart = "repo/web", Timeout = TimeSpan.FromMinutes(5), FailFast = false, ForceRollbackPods = false, Preflight = false, MigrationHooks = ["none"],
    };

    private DeployEngine Engine(IHelmProcess process) =>
        new(process, _log, _clock, new HelmRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1) });

    private static string[] Mutating(ScriptedHelmProcess process) =>
        process.Commands.Where(c => c is "upgrade" or "install" or "rollback" or "uninstall").ToArray();

    [Fact]
    public async Task BadInput_IsRejectedBeforeAnyHelmCall()
    {
        var process = new ScriptedHelmProcess();

        var outcome = await Engine(process).DeployAsync(Request() with { Release = "Web_App", Timeout = TimeSpan.Zero });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.ExitCode.Should().Be(3);
        outcome.FailureReason.Should().Contain("release").And.Contain("Web_App").And.Contain("timeout");
        process.Invocations.Should().BeEmpty();
    }

    [Fact]
    public async Task BadInput_OnAReleaseWithHistory_ShowsThatHistory_AndRunsNothingThatChangesIt()
    {
        var process = new ScriptedHelmProcess()
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "superseded"), Rev(4, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request() with { Set = ["image.tag"] });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.FailureReason.Should().Contain("set item 'image.tag' has no '='");
        outcome.History.Select(h => h.Revision).Should().Equal(1, 2, 3, 4);
        outcome.CurrentRevision.Should().Be(4);
        outcome.After!.Chart.Should().Be("web-1.4.0");
        outcome.Before.Should().Be(outcome.After, "nothing was changed");
        process.Commands.Should().Equal("history");
        process.Invocations[0].Should().Contain(["--output", "json"], "read-only");
    }

    [Fact]
    public async Task BadInput_NamingTheReleaseWrongly_ReadsNoHistory()
    {
        var process = new ScriptedHelmProcess();

        var outcome = await Engine(process).DeployAsync(Request() with { Release = "Web_App", Set = ["image.tag"] });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.History.Should().BeEmpty();
        process.Invocations.Should().BeEmpty();
    }

    [Fact]
    public async Task BadInput_IsLoggedAsErrors_NotWarnings()
    {
        var outcome = await Engine(new ScriptedHelmProcess()).DeployAsync(Request() with { Release = "Web_App", Timeout = TimeSpan.Zero });

        outcome.Result.Should().Be(DeployResult.Rejected);
        _log.Lines.Should().Contain(l => l.StartsWith("error: invalid input 'release': ", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("error: invalid input 'timeout': ", StringComparison.Ordinal))
            .And.NotContain(l => l.StartsWith("warning: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstInstall_Succeeds()
    {
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Fail(NotFound))
            .Then("upgrade", Ok("Release \"web\" does not exist. Installing it now.\n"))
            .Then("history", Ok(Json(Rev(1, "deployed", "Install complete", 0))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Succeeded);
        outcome.ExitCode.Should().Be(0);
        outcome.FirstInstall.Should().BeTrue();
        outcome.Before.Should().BeNull();
        outcome.CurrentRevision.Should().Be(1);
        outcome.AttemptedRevision.Should().Be(1);
        outcome.After.Should().Be(new ChartSnapshot("web-1.1.0", "1.1"));
        outcome.HelmVersion.Should().Be("v4.1.4+g05fa379");
        outcome.Phases.Select(p => p.Name).Should().Equal("validate", "detect-helm", "read-history", "upgrade", "verify");
        process.Invocations.Single(i => i[0] == "upgrade").Should().Contain("--rollback-on-failure");
    }

    [Theory]
    [InlineData(3, AtomicRolledBack3)]
    [InlineData(4, AtomicRolledBack4)]
    public async Task FailedUpgrade_RolledBackByHelm_IsReportedWithoutAnotherRollback(int major, string error)
    {
        var process = new ScriptedHelmProcess().WithVersion(major)
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "deployed"))))
            .Then("upgrade", Fail(error))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "failed", "Upgrade \"web\" failed: context deadline exceeded", 1), Rev(4, "deployed", "Rollback to 2", 0))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RolledBack);
        outcome.ExitCode.Should().Be(1);
        outcome.PreviousRevision.Should().Be(2);
        outcome.AttemptedRevision.Should().Be(3);
        outcome.RestoredRevision.Should().Be(4);
        outcome.Before.Should().Be(new ChartSnapshot("web-1.2.0", "1.2"));
        outcome.FailureReason.Should().StartWith(major == 3 ? "context deadline exceeded" : "resource Deployment/default/web not ready",
            "the reason is helm's cause, without the wrapper sentence the result already says");
        outcome.HelmError.Should().Contain("UPGRADE FAILED");
        Mutating(process).Should().Equal("upgrade");
        outcome.Timeline.Select(t => t.What).Should().Equal("upgrade started", "helm reported failure", "restored revision 2 as revision 4");
        outcome.ShouldAgreeWithItsHistory();
    }

    [Fact]
    public async Task FailedUpgrade_WhoseHelmRollbackFailed_IsRolledBackExplicitlyToTheLastGoodRevision()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "deployed"), Rev(3, "failed", "Upgrade \"web\" failed: boom"))))
            .Then("upgrade", Fail(RollbackFailed))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "failed"), Rev(4, "failed", "Upgrade \"web\" failed"), Rev(5, "failed", "Rollback \"web\" failed: context deadline exceeded"))))
            .Then("rollback", Ok("Rollback was a success! Happy Helming!\n"))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "failed"), Rev(4, "failed"), Rev(5, "failed"), Rev(6, "deployed", "Rollback to 2", 0))));

        var outcome = await Engine(process).DeployAsync(Request() with { RollbackTimeout = TimeSpan.FromMinutes(7) });

        outcome.Result.Should().Be(DeployResult.RolledBack);
        outcome.RestoredRevision.Should().Be(6);
        outcome.AttemptedRevision.Should().Be(4);
        var rollback = process.Invocations.Single(i => i[0] == "rollback");
        rollback.Should().StartWith(["rollback", "web", "2"], "the target is the last deployed revision, never the failed 3 nor N-1");
        rollback.Should().ContainInOrder("--timeout", "7m0s");
        outcome.Actions.Should().Contain(a => a.Contains("rolling back explicitly", StringComparison.Ordinal));
        outcome.Timeline.Select(t => t.What).Should().Equal(
            "upgrade started", "helm reported failure", "explicit rollback to revision 2 started", "restored revision 2 as revision 6");
        outcome.ShouldAgreeWithItsHistory();
    }

    [Fact]
    public async Task ExplicitRollbackFailing_EndsRollbackFailed()
    {
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Fail(RollbackFailed))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "failed"), Rev(3, "pending-rollback", "Rollback to 1"))))
            .Then("rollback", Fail("Error: release web failed: context deadline exceeded\n"))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "failed"), Rev(3, "superseded"), Rev(4, "failed", "Rollback \"web\" failed"))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RollbackFailed);
        outcome.ExitCode.Should().Be(2);
        outcome.FailureReason.Should().Contain("rollback to revision 1 failed");

        // The exit-2 report agrees with its history: nothing is deployed, the explicit rollback is a phase with an end.
        outcome.ShouldAgreeWithItsHistory();
        outcome.CurrentRevision.Should().BeNull();
        outcome.After.Should().BeNull();
        outcome.Phases.Select(p => p.Name).Should().Equal("validate", "detect-helm", "read-history", "upgrade", "verify", "rollback");
        outcome.Timeline.Select(t => t.What).Should().EndWith("explicit rollback to revision 1 failed");
    }

    [Fact]
    public async Task AnExplicitRollbackThatFailedOnAPassingApiError_IsRunAgain()
    {
        const string cleanupFailed =
            "level=WARN msg=\"failed to update release\" error=\"update: failed to update: the server is currently unable to handle the request\"\n" +
            "Error: an error occurred while cleaning up resources. original rollback error: unable to cleanup resources: object not found, skipping delete: no objects visited\n";
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Fail(RollbackFailed))
            .Then("history", Ok(Json(Rev(1, "deployed"), Rev(2, "failed"))))
            .Then("rollback", Fail(cleanupFailed))
            .Then("rollback", Ok("Rollback was a success! Happy Helming!\n"))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "failed"), Rev(3, "pending-rollback", "Rollback to 1"), Rev(4, "deployed", "Rollback to 1"))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        Mutating(process).Should().Equal("upgrade", "rollback", "rollback");
        outcome.Warnings.Should().ContainSingle(w => w.StartsWith("the rollback to revision 1 failed on a passing API error (attempt 1 of 3)", StringComparison.Ordinal));
        outcome.Actions.Should().Contain(a => a.StartsWith("revision 3 stays pending-rollback", StringComparison.Ordinal));
        outcome.ShouldAgreeWithItsHistory();
    }

    [Fact]
    public async Task APendingRevisionLeftByAKilledHelm_IsExplainedOnceTheRollbackSupersededIt()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", new HelmProcessResult(-1, "", "", TimeSpan.FromSeconds(30), Cancelled: true))
            .Then("history", Ok(Json(Rev(1, "deployed"), Rev(2, "failed"), Rev(3, "pending-rollback", "Rollback to 1"))))
            .Then("rollback", Ok("Rollback was a success! Happy Helming!\n"))
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "failed"), Rev(3, "pending-rollback", "Rollback to 1"), Rev(4, "deployed", "Rollback to 1"))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RolledBack);
        outcome.Actions.Should().Contain(
            "revision 3 stays pending-rollback in the history: the helm that wrote it was stopped before it finished; " +
            "revision 4 (deployed) superseded it, and Helm never rewrites an old revision");
        outcome.ShouldAgreeWithItsHistory();
    }

    [Fact]
    public async Task ChartError_ChangesNothingAndIsRejected()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Fail("Error: UPGRADE FAILED: values don't meet the specifications of the schema(s) in the following chart(s):\nchart:\n- replicaCount: Invalid type. Expected: integer, given: string\n"))
            .Then("history", Ok(Json(Rev(1, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.FailureReason.Should().Contain("schema").And.Contain("nothing was changed");
        Mutating(process).Should().Equal("upgrade");
        process.Commands.Count(c => c == "upgrade").Should().Be(1, "a chart error is never retried");
    }

    [Fact]
    public async Task UnreachableCluster_EndsUnreachableAfterRetries()
    {
        var process = new ScriptedHelmProcess().WithVersion(3).Always("history", Fail(Unreachable));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Unreachable);
        outcome.ExitCode.Should().Be(4);
        outcome.FailureReason.Should().Contain("cluster unreachable");
        process.Commands.Count(c => c == "history").Should().Be(3);
        Mutating(process).Should().BeEmpty();
    }

    [Fact]
    public async Task MissingHelm_EndsUnreachable()
    {
        var outcome = await Engine(new MissingHelm()).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Unreachable);
        outcome.FailureReason.Should().Contain("Cannot run helm");
    }

    [Fact]
    public async Task UnsupportedHelm_EndsUnreachableWithAClearMessage()
    {
        var process = new ScriptedHelmProcess().Always("version", Ok("v2.16.1+gbbdfe5e\n"));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Unreachable);
        outcome.FailureReason.Should().Contain("v2.16.1").And.Contain("Helm 3 and Helm 4");
    }

    [Fact]
    public async Task StaleLock_IsClearedByRollingBackThenTheUpgradeRuns()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "deployed", "Install complete", 60), Rev(2, "pending-upgrade", "Preparing upgrade", 30))))
            .Then("rollback", Ok())
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "deployed", "Rollback to 1", 0))))
            .Then("upgrade", Ok())
            .Then("history", Ok(Json(Rev(1, "superseded"), Rev(2, "superseded"), Rev(3, "superseded"), Rev(4, "deployed", "Upgrade complete", 0))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Succeeded);
        process.Invocations.Single(i => i[0] == "rollback").Should().StartWith(["rollback", "web", "1"]);
        Mutating(process).Should().Equal("rollback", "upgrade");
        outcome.Actions.Should().ContainSingle(a => a.StartsWith("stale lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task YoungLock_FailsFastAsAnotherDeployInProgress()
    {
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"), Rev(2, "pending-upgrade", "Preparing upgrade", 2))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.FailureReason.Should().Contain("another deploy seems to be in progress");
        Mutating(process).Should().BeEmpty();
    }

    [Fact]
    public async Task StaleLock_WithRecoveryOff_IsReportedNotTouched()
    {
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"), Rev(2, "pending-upgrade", "Preparing upgrade", 30))));

        var outcome = await Engine(process).DeployAsync(Request() with { RecoverStaleLock = false });

        outcome.Result.Should().Be(DeployResult.Rejected);
        outcome.FailureReason.Should().Contain("recover-stale-lock is off");
        Mutating(process).Should().BeEmpty();
    }

    [Fact]
    public async Task FailedFirstInstall_UninstalledByHelm_EndsRolledBackAndUninstalled()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Fail(NotFound))
            .Then("upgrade", Fail("Error: release web failed, and has been uninstalled due to atomic being set: context deadline exceeded\n"))
            .Then("history", Fail(NotFound));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RolledBack);
        outcome.Uninstalled.Should().BeTrue();
        outcome.FirstInstall.Should().BeTrue();
        outcome.History.Should().BeEmpty();
        Mutating(process).Should().Equal("upgrade");
    }

    [Fact]
    public async Task FailedFirstInstall_LeftFailedByHelm_IsUninstalled()
    {
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Fail(NotFound))
            .Then("upgrade", Fail("Error: an error occurred while uninstalling the release. original install error: context deadline exceeded: timed out waiting for the condition\n"))
            .Then("history", Ok(Json(Rev(1, "failed", "Release \"web\" failed: context deadline exceeded", 0))))
            .Then("uninstall", Ok("release \"web\" uninstalled\n"))
            .Then("history", Fail(NotFound));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.RolledBack);
        outcome.Uninstalled.Should().BeTrue();
        process.Invocations.Single(i => i[0] == "uninstall").Should().NotContain("--keep-history");
    }

    [Fact]
    public async Task OnlyFailedRevisions_AreRemovedBeforeInstalling()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "failed", "Release \"web\" failed: boom"))))
            .Then("uninstall", Ok())
            .Then("history", Fail(NotFound))
            .Then("upgrade", Ok())
            .Then("history", Ok(Json(Rev(1, "deployed", "Install complete", 0))));

        var outcome = await Engine(process).DeployAsync(Request());

        outcome.Result.Should().Be(DeployResult.Succeeded);
        outcome.FirstInstall.Should().BeTrue();
        Mutating(process).Should().Equal("uninstall", "upgrade");
    }

    [Fact]
    public async Task Secrets_AreMaskedInTheLogAndTheOutcome()
    {
        var process = new ScriptedHelmProcess().WithVersion(3)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Fail("Error: UPGRADE FAILED: template: web/templates/secret.yaml:3:9: password s3cr3t-value rejected\n"))
            .Then("history", Ok(Json(Rev(1, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request() with { Set = ["db.password=s3cr3t-value"], Secrets = ["s3cr3t-value"] });

        _log.Lines.Should().NotContain(l => l.Contains("s3cr3t-value", StringComparison.Ordinal));
        _log.Lines.Should().Contain(l => l.StartsWith("$ helm upgrade", StringComparison.Ordinal));
        outcome.FailureReason.Should().NotContain("s3cr3t-value");
        outcome.HelmError.Should().NotContain("s3cr3t-value");
    }

    [Fact]
    public async Task SetValuesUnderSecretLookingKeys_AreMaskedUndeclared_AndOtherValuesAreNot()
    {
        const string password = "p@ss`w*rd_[x]|<y>&\"z\"";
        var process = new ScriptedHelmProcess().WithVersion(4)
            .Then("history", Ok(Json(Rev(1, "deployed"))))
            .Then("upgrade", Fail($"Error: UPGRADE FAILED: execution error at (web/templates/secret.yaml:1:4): refusing {password} for tag 2.0.0\n"))
            .Then("history", Ok(Json(Rev(1, "deployed"))));

        var outcome = await Engine(process).DeployAsync(Request() with { Set = ["image.tag=2.0.0", "db.adminPassword=" + password] });

        _log.Lines.Should().NotContain(l => l.Contains("w*rd", StringComparison.Ordinal));
        _log.Lines.Should().Contain(l => l.StartsWith("$ helm upgrade", StringComparison.Ordinal) && l.Contains("db.adminPassword=***", StringComparison.Ordinal)
            && l.Contains("image.tag=2.0.0", StringComparison.Ordinal));
        outcome.HelmError.Should().Be("Error: UPGRADE FAILED: execution error at (web/templates/secret.yaml:1:4): refusing *** for tag 2.0.0");
    }

    private sealed class MissingHelm : IHelmProcess
    {
        public Task<HelmProcessResult> RunAsync(HelmInvocation invocation, CancellationToken cancellationToken = default) =>
            throw new HelmNotFoundException(invocation.HelmPath, new System.ComponentModel.Win32Exception("No such file or directory"));
    }
}
