using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// Fail-fast with the real Helm 3 and 4 against the simulator: a broken upgrade with a generous
/// <c>--timeout 120s</c> is detected from the pods, interrupted and restored in seconds, and the outcome says why.
/// </summary>
public sealed class FailFastScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3, "crash", "image.repository=sim.local/crash", "CrashLoopBackOff", "fatal: unrecoverable error, exiting (exit code 1)")]
    [InlineData(4, "crash", "image.repository=sim.local/crash", "CrashLoopBackOff", "fatal: unrecoverable error, exiting (exit code 1)")]
    [InlineData(3, "pull", "image.repository=registry.example/missing", "ImagePullBackOff|ErrImagePull", null)]
    [InlineData(4, "pull", "image.repository=registry.example/missing", "ImagePullBackOff|ErrImagePull", null)]
    [InlineData(3, "oom", "image.repository=sim.local/oom", "OOMKilled", "cache warm-up: 1843 MiB resident")]
    [InlineData(4, "oom", "image.repository=sim.local/oom", "OOMKilled", "cache warm-up: 1843 MiB resident")]
    [InlineData(3, "unsched", "resources.requests.memory=999Gi", "Unschedulable", null)]
    [InlineData(4, "unsched", "resources.requests.memory=999Gi", "Unschedulable", null)]
    [InlineData(3, "config", "configMapName=absent", "CreateContainerConfigError", null)]
    [InlineData(4, "config", "configMapName=absent", "CreateContainerConfigError", null)]
    public async Task BrokenUpgrade_IsDetectedAndRestoredLongBeforeTheTimeout(int major, string name, string breakage, string reason, string? lastLogLine)
    {
        var release = TestNames.Release([major, name]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        // The preflight refuses a ConfigMap that is nowhere before any change (PlanScenarioTests); off for that case, as when
        // the ConfigMap goes between the plan and the rollout, so that what reaches the pods is the breakage under test.
        var outcome = await engine.DeployAsync(Request(major, release, breakage) with { Preflight = name != "config" });

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.HelmError.Should().Contain("context canceled", "fail-fast interrupted helm, which did not wait for its 120 s timeout")
            .And.NotContain("context deadline exceeded");
        outcome.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        outcome.History[^1].Description.Should().Be("Rollback to 1");
        outcome.RestoredRevision.Should().Be(3);

        var diagnosis = outcome.Diagnosis!;
        diagnosis.Should().NotBeNull();
        diagnosis.Fatal.Should().BeTrue();
        var pod = diagnosis.Pods[0];
        pod.Pod.Should().StartWith(release + "-");
        pod.Workload.Should().Be("Deployment/" + release);
        pod.Reason.Should().MatchRegex($"^({reason})$");
        diagnosis.Summary.Should().StartWith($"pod {pod.Pod} (Deployment {release}): {pod.Reason}");
        outcome.FailureReason.Should().StartWith(diagnosis.Summary);
        if (lastLogLine is not null)
        {
            pod.LastLogLines[^1].Should().EndWith(lastLogLine);
            outcome.FailureReason.Should().EndWith("last log line: " + pod.LastLogLines[^1]);
        }

        outcome.Timeline.Select(t => t.What).Should().ContainInOrder(
            "upgrade started", "first fatal state: " + diagnosis.Summary, "rollback started: helm interrupted, its atomic rollback runs",
            "helm exited after its own rollback", "restored revision 1 as revision 3");
        outcome.Warnings.Should().BeEmpty();
        outcome.ShouldAgreeWithItsHistory();
        await WaitUntilAsync(() => ServingImages(release).SequenceEqual(["nginx:1.25.0"]), "v1's pods serve again");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment's template is v1's again and no pod of the broken template is left");
        await NoWatchOutlivesTheDeployAsync(release);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AFailedHookJob_IsDiagnosedWithItsPodsLog_AndTheReleaseRestored(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "migrate.enabled=true", "migrate.image=sim.local/crash"));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.HelmError.Should().NotContain("context deadline exceeded", "the failed hook ended the upgrade, not the 120 s timeout");
        outcome.Diagnosis.Should().NotBeNull(outcome.FailureReason);
        outcome.Diagnosis!.Summary.Should().Contain("Job " + release + "-migrate").And.Contain("BackoffLimitExceeded");
        var pods = outcome.Diagnosis.Pods.Where(p => p.Workload == "Job/" + release + "-migrate").ToList();
        pods.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(2, "backoffLimit 1: at most two attempts");
        outcome.FailureReason.Should().StartWith($"Job {release}-migrate: BackoffLimitExceeded");
        pods.Should().Contain(p => p.ExitCode == 1 && p.LastLogLines.Count > 0 && p.LastLogLines[p.LastLogLines.Count - 1].EndsWith("fatal: unrecoverable error, exiting (exit code 1)", StringComparison.Ordinal),
            "the hook pod's exit code and log are kept before helm deletes the hook");
        await WaitUntilAsync(() => ServingImages(release).SequenceEqual(["nginx:1.25.0"]), "v1's pods still serve");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment was never changed from v1: the hook failed before the manifests were applied");
        await NoWatchOutlivesTheDeployAsync(release);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SlowButHealthyStart_IsNotRolledBack(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "image.repository=sim.local/slow-8", "replicaCount=1"));

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        ServingImages(release).Should().Equal(["sim.local/slow-8:1.25.0"], "helm waited for the slow pod to be Ready, and fail-fast let it");
        outcome.Diagnosis.Should().BeNull();
        outcome.Warnings.Should().BeEmpty();
        await NoWatchOutlivesTheDeployAsync(release);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task OneRestartThenRunning_IsNotRolledBack(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "image.repository=sim.local/restart-once"));

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        outcome.CurrentRevision.Should().Be(2);
        await NoWatchOutlivesTheDeployAsync(release);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AHealthyUpgradeFasterThanTheWatchersStart_LeavesNoWatchBehind(int major)
    {
        // Pods Ready at once: helm may well finish before the watcher's first lists are in; its start is abandoned.
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        for (var i = 0; i < 3; i++)
        {
            var outcome = await engine.DeployAsync(Request(major, release, $"greeting=run{i}"));
            outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
            await NoWatchOutlivesTheDeployAsync(release);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FailFastOff_WaitsForHelmsOwnTimeout(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var watchesBefore = PodWatches(release);

        var outcome = await engine.DeployAsync(Request(major, release, "image.repository=sim.local/crash") with { FailFast = false, Timeout = TimeSpan.FromSeconds(6) });

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.HelmError.Should().Contain("context deadline exceeded", "helm ended by its own timeout: nothing interrupted it");
        outcome.Diagnosis.Should().BeNull();
        outcome.Timeline.Should().NotContain(t => t.What.StartsWith("first fatal state", StringComparison.Ordinal));
        PodWatches(release).Should().Be(watchesBefore, "no watcher runs with fail-fast off");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task HelmFailingByItself_StillGetsADiagnosis(int major)
    {
        // The grace outlasts helm's timeout: helm fails first, and the post-mortem explains it.
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "resources.requests.memory=999Gi") with { Timeout = TimeSpan.FromSeconds(4), UnschedulableGrace = TimeSpan.FromMinutes(5) });

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.Diagnosis!.Fatal.Should().BeFalse();
        outcome.Diagnosis.Pods.Should().NotBeEmpty();
        outcome.Diagnosis.Pods[0].Reason.Should().Be("Unschedulable");
        outcome.FailureReason.Should().Contain("Unschedulable");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FailedFirstInstall_IsStoppedAndRemoved(int major)
    {
        var release = TestNames.Release([major]);

        var outcome = await cluster.Engine(_log).DeployAsync(Request(major, release, "image.repository=registry.example/missing"));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.Uninstalled.Should().BeTrue();
        outcome.HelmError.Should().NotContain("context deadline exceeded", "fail-fast stopped the install before its 120 s timeout");
        outcome.Diagnosis!.Pods[0].Reason.Should().MatchRegex("^(ImagePullBackOff|ErrImagePull)$");
        (await cluster.HelmAsync(major, "history", release, "--namespace", release)).StandardError.Should().Contain("release: not found");
    }

    // After the deploy every helm process has exited, so a watch still open in the namespace could only be the watcher's.
    private Task NoWatchOutlivesTheDeployAsync(string release) =>
        WaitUntilAsync(() => cluster.Simulator.OpenWatches(release) == 0, $"no watch is open in {release} after the deploy (open: {cluster.Simulator.OpenWatches(release)})");

    private DeployRequest Request(int major, string release, params string[] set) =>
        cluster.Request(major, release, set) with { Timeout = Generous, UnschedulableGrace = TimeSpan.FromSeconds(2) };

    private int PodWatches(string release) =>
        cluster.Simulator.RequestLog.Count(r => r.Contains("/namespaces/" + release + "/pods?", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal));

    private List<string> ServingImages(string release) =>
        cluster.Simulator.Store.List(ResourceTypes.Pods, release)
            .Where(p => p["status"]?["conditions"] is JsonArray c && c.Any(x => x?["type"]?.GetValue<string>() == "Ready" && x["status"]?.GetValue<string>() == "True"))
            .Select(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>())
            .Distinct()
            .ToList();
}
