using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// Every workload really restored. A StatefulSet (2 replicas, OrderedReady) upgraded to a broken template: the controller does not replace the pod it
/// created from it once the template is reverted, so the engine does (Kubernetes' "forced rollback"), with the real
/// Helm 3 and 4 against the simulator, whose StatefulSet controller waits for a pod that is not Ready as Kubernetes' does.
/// And a pre-upgrade hook that fail-fast stopped is not left behind to run later.
/// </summary>
public sealed class RestoreScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private const string GoodImage = "nginx:1.25.0";
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3, "pull", "worker.image=registry.example/missing:1")]
    [InlineData(4, "pull", "worker.image=registry.example/missing:1")]
    [InlineData(3, "crash", "worker.image=sim.local/crash")]
    [InlineData(4, "crash", "worker.image=sim.local/crash")]
    [InlineData(3, "config", "worker.configMapName=absent")]
    [InlineData(4, "config", "worker.configMapName=absent")]
    public async Task ABrokenStatefulSet_IsRestored_ByDeletingThePodOfTheFailedRevision(int major, string name, string breakage)
    {
        var release = TestNames.Release([major, name]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);
        var good = Worker(release)["status"]!["updateRevision"]!.GetValue<string>();

        // The preflight refuses a ConfigMap that is nowhere before any change (PlanScenarioTests); off for that case, as when
        // the ConfigMap goes between the plan and the rollout, so that what reaches the pods is the breakage under test.
        var outcome = await engine.DeployAsync(Request(major, release, breakage) with { Preflight = name != "config" });

        outcome.Result.Should().Be(DeployResult.RolledBack, Explain(outcome));
        outcome.ExitCode.Should().Be(ExitCodes.RolledBack);
        outcome.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        outcome.History[^1].Description.Should().Be("Rollback to 1");
        outcome.Diagnosis!.Pods[0].Workload.Should().Be($"StatefulSet/{release}-worker");

        // The mechanism: fail-fast stopped helm, the pod of the failed revision was deleted while Helm's own rollback
        // waited, and that rollback then succeeded (it did not wait out its timeout: no explicit rollback was needed).
        // Each pod is deleted once (by uid); should the controller have recreated it from the failed template before
        // helm's rollback reached it, the new one is stuck too and goes the same way: never a pod of the good revision.
        outcome.ReplacedPods.Should().NotBeEmpty(ClusterStory(release, outcome)).And.OnlyContain(
            r => r.Pod == $"{release}-worker-1" && r.Deleted && r.Revision != good, ClusterStory(release, outcome));
        var replaced = outcome.ReplacedPods[0];
        outcome.Timeline.Select(t => t.What).Should().ContainInOrder(
            "upgrade started", "first fatal state: " + outcome.Diagnosis.Summary, "rollback started: helm interrupted, its atomic rollback runs",
            $"deleted pod {release}-worker-1 (forced rollback)", "helm exited after its own rollback", "restored revision 1 as revision 3");
        outcome.Actions.Should().NotContain(a => a.Contains("rolling back explicitly", StringComparison.Ordinal));
        outcome.Phases.Select(p => p.Name).Should().Contain("force-rollback-pods");
        outcome.ShouldAgreeWithItsHistory();

        // The end state: every worker pod Ready, on the restored template's image and revision.
        await WaitUntilAsync(() => WorkerPodsRestored(release, good), "every worker pod is Ready on the restored revision");
        TextReport.Render(outcome, SecretMasker.None).Should().Contain($"deleted {release}-worker-1 (StatefulSet/{release}-worker): it ran the failed revision ({replaced.Revision}); StatefulSets do not replace a pod that is not Ready");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task WithTheForcedRollbackOff_TheStuckPodIsNamedWithItsCommand_AndTheNextDeployReplacesItFirst(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);
        var good = Worker(release)["status"]!["updateRevision"]!.GetValue<string>();

        var failed = await engine.DeployAsync(Request(major, release, "worker.image=registry.example/missing:1") with
        {
            ForceRollbackPods = false,
            Timeout = TimeSpan.FromSeconds(8),
            RollbackTimeout = TimeSpan.FromSeconds(6),
        });

        failed.Result.Should().Be(DeployResult.RollbackFailed, failed.FailureReason);
        failed.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        failed.ReplacedPods.Should().BeEmpty("the forced rollback is off");
        var stuck = failed.StuckPods.Should().ContainSingle().Subject;
        stuck.Pod.Should().Be($"{release}-worker-1");
        var command = $"kubectl delete pod {release}-worker-1 --namespace {release}";
        failed.FailureReason.Should().Contain(command).And.Contain("force-rollback-pods");
        failed.Warnings.Should().Contain(w => w.Contains(command, StringComparison.Ordinal));
        Pod(release, 1)["spec"]!["containers"]![0]!["image"]!.GetValue<string>().Should().Be("registry.example/missing:1", "nothing deleted it");
        failed.ShouldAgreeWithItsHistory();
        failed.Phases.Select(p => p.Name).Should().Contain("rollback");

        var healed = await engine.DeployAsync(Request(major, release, "greeting=again"));

        healed.Result.Should().Be(DeployResult.Succeeded, healed.FailureReason);
        healed.ReplacedPods.Select(p => p.Pod).Should().Equal($"{release}-worker-1");
        healed.Actions.Should().Contain(a => a.StartsWith($"deleted {release}-worker-1 (StatefulSet/{release}-worker): it ran a revision an earlier deploy left behind", StringComparison.Ordinal));
        healed.Timeline.Select(t => t.What).Should().ContainInOrder($"deleted pod {release}-worker-1 (forced rollback)", "stuck pods replaced: the StatefulSets are Ready again", "upgrade started");
        healed.ShouldAgreeWithItsHistory();
        await WaitUntilAsync(() => WorkerPodsRestored(release, good), "every worker pod is Ready on the current revision");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task APreUpgradeHookThatCannotPullItsImage_IsStopped_AndLeavesNoJobOrPodBehind(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "migrate.enabled=true", "migrate.image=registry.example/migrate:missing"));

        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.ExitCode.Should().Be(ExitCodes.RolledBack);
        outcome.Diagnosis!.Pods[0].Workload.Should().Be($"Job/{release}-migrate");
        outcome.FailureReason.Should().EndWith($"the failure happened in the pre-upgrade hook Job/{release}-migrate, before any application object changed");
        outcome.Actions.Should().Contain(a => a.StartsWith($"deleted Job/{release}-migrate: the pre-upgrade hook of the failed revision 2", StringComparison.Ordinal));
        outcome.Timeline.Select(t => t.What).Should().Contain($"deleted hook Job/{release}-migrate");
        outcome.Phases.Select(p => p.Name).Should().Contain("clean-hooks");
        outcome.ShouldAgreeWithItsHistory();

        // The end state: neither the hook Job nor any pod of it is left to pull its image later and migrate the rolled-back release.
        cluster.Simulator.Store.List(ResourceTypes.Jobs, release).Should().BeEmpty();
        cluster.Simulator.Store.List(ResourceTypes.Pods, release)
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())
            .Should().NotContain(n => n.StartsWith(release + "-migrate", StringComparison.Ordinal));
        TextReport.Render(outcome, SecretMasker.None).Should().Contain($"deleted Job/{release}-migrate");
    }

    private static string Explain(DeployOutcome outcome) =>
        string.Join("\n", [outcome.FailureReason, .. outcome.Actions, .. outcome.Warnings, .. outcome.Timeline.Select(t => $"{t.At:HH:mm:ss.fff} {t.What}")]);

    // What happened, for a failure message: the outcome's timeline and the namespace's events, in time order.
    private string ClusterStory(string release, DeployOutcome outcome) =>
        Explain(outcome) + "\nevents:\n" + string.Join("\n", cluster.Simulator.Store.List(ResourceTypes.Events, release)
            .Select(e => $"{e["lastTimestamp"] ?? e["eventTime"]} {e["involvedObject"]?["name"]} {e["reason"]} x{e["count"]}: {e["message"]}")
            .Order(StringComparer.Ordinal));

    private DeployRequest Request(int major, string release, params string[] set) =>
        cluster.Request(major, release, set) with
        {
            Chart = Tools.Chart("fixture-shop"),
            Timeout = TimeSpan.FromSeconds(120),
            RollbackTimeout = TimeSpan.FromSeconds(120),
        };

    private JsonObject Worker(string release) =>
        cluster.Simulator.Store.Get(ResourceTypes.StatefulSets, release, release + "-worker") ?? throw new InvalidOperationException("no worker StatefulSet");

    private JsonObject Pod(string release, int ordinal) =>
        cluster.Simulator.Store.Get(ResourceTypes.Pods, release, $"{release}-worker-{ordinal}") ?? throw new InvalidOperationException($"no pod {ordinal}");

    private bool WorkerPodsRestored(string release, string revision)
    {
        var set = Worker(release);
        var pods = cluster.Simulator.Store.List(ResourceTypes.Pods, release)
            .Where(p => p["metadata"]!["name"]!.GetValue<string>().StartsWith(release + "-worker-", StringComparison.Ordinal))
            .ToList();
        return set["status"]?["updateRevision"]?.GetValue<string>() == revision
            && set["status"]?["currentRevision"]?.GetValue<string>() == revision
            && pods.Count == 2
            && pods.All(p =>
                p["metadata"]!["labels"]!["controller-revision-hash"]!.GetValue<string>() == revision
                && p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == GoodImage
                && p["metadata"]?["deletionTimestamp"] is null
                && p["status"]?["conditions"] is JsonArray c && c.Any(x => x?["type"]?.GetValue<string>() == "Ready" && x["status"]?.GetValue<string>() == "True"));
    }
}
