using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Controllers;

public sealed class DeploymentControllerTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = new SimulatedCluster();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private JsonObject Deployment(string name) => _cluster.Get(ResourceTypes.Deployments, name)!;

    private static string Status(JsonObject d, string field) => d["status"]?[field]?.ToJsonString() ?? "null";

    private static JsonObject? Condition(JsonObject d, string type) =>
        d["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => c["type"]!.GetValue<string>() == type);

    private bool IsComplete(string name, int replicas)
    {
        var d = Deployment(name);
        return Status(d, "observedGeneration") == d["metadata"]!["generation"]!.ToJsonString() &&
            Status(d, "replicas") == $"{replicas}" && Status(d, "updatedReplicas") == $"{replicas}" &&
            Status(d, "readyReplicas") == $"{replicas}" && Status(d, "availableReplicas") == $"{replicas}" &&
            Condition(d, "Progressing")?["reason"]?.GetValue<string>() == "NewReplicaSetAvailable";
    }

    private IReadOnlyList<JsonObject> ReplicaSets() => _cluster.Store.List(ResourceTypes.ReplicaSets, "default");

    [Fact]
    public async Task Deployment_creates_a_replica_set_and_ready_pods_with_kubernetes_status()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", replicas: 3));

        await _cluster.RunUntilAsync(() => IsComplete("web", 3));

        var d = Deployment("web");
        Condition(d, "Available")!["reason"]!.GetValue<string>().Should().Be("MinimumReplicasAvailable");
        Condition(d, "Available")!["message"]!.GetValue<string>().Should().Be("Deployment has minimum availability.");
        var rs = ReplicaSets().Should().ContainSingle().Subject;
        var hash = rs["metadata"]!["labels"]!["pod-template-hash"]!.GetValue<string>();
        rs["metadata"]!["name"]!.GetValue<string>().Should().Be("web-" + hash);
        rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().Should().Be("1");
        rs["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>().Should().Be(d["metadata"]!["uid"]!.GetValue<string>());
        rs["metadata"]!["ownerReferences"]![0]!["controller"]!.GetValue<bool>().Should().BeTrue();
        rs["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"]!.GetValue<string>().Should().Be(hash);
        rs["status"]!["readyReplicas"]!.GetValue<int>().Should().Be(3);
        rs["status"]!["observedGeneration"]!.ToJsonString().Should().Be(rs["metadata"]!["generation"]!.ToJsonString());
        Condition(d, "Progressing")!["message"]!.GetValue<string>().Should().Be($"ReplicaSet \"web-{hash}\" has successfully progressed.");

        var pods = _cluster.Pods("web");
        pods.Should().HaveCount(3);
        pods.Should().OnlyContain(p => p["metadata"]!["name"]!.GetValue<string>().StartsWith($"web-{hash}-", StringComparison.Ordinal));
        pods.Should().OnlyContain(p => p["metadata"]!["labels"]!["pod-template-hash"]!.GetValue<string>() == hash);
        pods.Should().OnlyContain(p => p["status"]!["phase"]!.GetValue<string>() == "Running");
        pods.Should().OnlyContain(p => p["spec"]!["nodeName"]!.GetValue<string>() == "sim-node-1");

        _cluster.Events("web").Select(e => e["reason"]!.GetValue<string>()).Should().Contain("ScalingReplicaSet");
        _cluster.Events("web-" + hash).Select(e => e["reason"]!.GetValue<string>()).Should().Contain("SuccessfulCreate");
        pods.Should().OnlyContain(p => RestartCount(p) == 0);
        foreach (var pod in pods)
        {
            InOrder(_cluster.Events(pod["metadata"]!["name"]!.GetValue<string>())).Select(e => e["reason"]!.GetValue<string>())
                .Should().Equal(["Scheduled", "Pulling", "Pulled", "Created", "Started"], "a happy rollout goes straight through, with no retry or back-off");
        }

        _cluster.Store.List(ResourceTypes.Events, "default").Should().NotContain(e => e["type"]!.GetValue<string>() == "Warning");
        var podEvents = _cluster.Events(pods[0]["metadata"]!["name"]!.GetValue<string>());
        var started = podEvents.Single(e => e["reason"]!.GetValue<string>() == "Started");
        started["involvedObject"]!["fieldPath"]!.GetValue<string>().Should().Be("spec.containers{web}");
        started["source"]!["component"]!.GetValue<string>().Should().Be("kubelet");
        started["type"]!.GetValue<string>().Should().Be("Normal");
        _cluster.Controllers.ReconcileErrors.Should().Be(0);
    }

    [Fact]
    public async Task Template_change_rolls_to_a_new_replica_set_and_scales_the_old_to_zero()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", replicas: 2));
        await _cluster.RunUntilAsync(() => IsComplete("web", 2));
        var first = ReplicaSets().Single()["metadata"]!["name"]!.GetValue<string>();

        SetImage("web", "nginx:1.17.0");
        await _cluster.RunUntilAsync(() => IsComplete("web", 2));

        var sets = ReplicaSets();
        sets.Should().HaveCount(2);
        var old = sets.Single(r => r["metadata"]!["name"]!.GetValue<string>() == first);
        var current = sets.Single(r => r["metadata"]!["name"]!.GetValue<string>() != first);
        old["spec"]!["replicas"]!.GetValue<int>().Should().Be(0);
        current["spec"]!["replicas"]!.GetValue<int>().Should().Be(2);
        current["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().Should().Be("2");
        _cluster.Pods("web").Should().HaveCount(2).And.OnlyContain(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "nginx:1.17.0");

        // Rolling back to the first template reuses its ReplicaSet with the next revision.
        SetImage("web", "nginx:1.16.0");
        await _cluster.RunUntilAsync(() => IsComplete("web", 2));
        var reused = ReplicaSets().Single(r => r["metadata"]!["name"]!.GetValue<string>() == first);
        reused["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>().Should().Be("3");
        reused["spec"]!["replicas"]!.GetValue<int>().Should().Be(2);
        ReplicaSets().Should().HaveCount(2);
        _cluster.Events("web").Select(e => e["message"]!.GetValue<string>()).Should().Contain(m => m.StartsWith("Scaled down replica set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crash_image_keeps_the_old_pods_serving_and_crash_loops_the_new_one()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "ghcr.io/helm-sentinel/demo-web:1.0.0"));
        await _cluster.RunUntilAsync(() => IsComplete("web", 1));

        SetImage("web", "ghcr.io/helm-sentinel/demo-web:2.0.0");
        await _cluster.RunUntilAsync(() => _cluster.Pods("web").Any(p => RestartCount(p) >= 2), TimeSpan.FromSeconds(30));

        var pods = _cluster.Pods("web");
        pods.Should().HaveCount(2, "maxSurge 25% of 1 rounds up to 1 and maxUnavailable rounds down to 0");
        var crashing = pods.Single(p => RestartCount(p) >= 2);
        var serving = pods.Single(p => p != crashing);
        IsReady(serving).Should().BeTrue();
        crashing["status"]!["containerStatuses"]![0]!["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>().Should().Be(1);
        var crashingName = crashing["metadata"]!["name"]!.GetValue<string>();
        var backOff = _cluster.Events(crashingName).Single(e => e["reason"]!.GetValue<string>() == "BackOff");
        backOff["type"]!.GetValue<string>().Should().Be("Warning");
        backOff["count"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(2);
        _cluster.Controllers.GetPodLog("default", crashingName, "web", previous: true, tailLines: 1)
            .Should().Be("panic: required setting DATABASE_URL is not set\n");
        var d = Deployment("web");
        Status(d, "updatedReplicas").Should().Be("1");
        Status(d, "availableReplicas").Should().Be("1");
        Condition(d, "Progressing")!["reason"]!.GetValue<string>().Should().BeOneOf("NewReplicaSetCreated", "ReplicaSetUpdated");
    }

    [Fact]
    public async Task Image_missing_from_the_catalogue_ends_in_ImagePullBackOff()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "example.com/team/app:9.9"));

        await _cluster.RunUntilAsync(() => _cluster.Pods("web").Any(p => WaitingReason(p) == "ImagePullBackOff"), TimeSpan.FromSeconds(10));

        var pod = _cluster.Pods("web").Single();
        pod["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["message"]!.GetValue<string>()
            .Should().Be("Back-off pulling image \"example.com/team/app:9.9\"");
        var reasons = _cluster.Events(pod["metadata"]!["name"]!.GetValue<string>()).Select(e => e["reason"]!.GetValue<string>());
        reasons.Should().Contain(["Pulling", "Failed", "BackOff"]);
    }

    [Fact]
    public async Task Huge_requests_leave_the_pod_pending_and_unschedulable()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0",
            extraContainer: """, "resources": { "requests": { "memory": "999Gi" } }"""));

        await _cluster.RunUntilAsync(() => _cluster.Pods("web").Any(p => p["status"]?["conditions"]?.ToJsonString().Contains("Unschedulable", StringComparison.Ordinal) == true));

        var pod = _cluster.Pods("web").Single();
        pod["status"]!["phase"]!.GetValue<string>().Should().Be("Pending");
        var scheduled = pod["status"]!["conditions"]![0]!;
        scheduled["type"]!.GetValue<string>().Should().Be("PodScheduled");
        scheduled["status"]!.GetValue<string>().Should().Be("False");
        scheduled["message"]!.GetValue<string>().Should().StartWith("0/1 nodes are available: 1 Insufficient memory.");
        var failed = _cluster.Events(pod["metadata"]!["name"]!.GetValue<string>()).Single(e => e["reason"]!.GetValue<string>() == "FailedScheduling");
        failed["source"]!["component"]!.GetValue<string>().Should().Be("default-scheduler");
        failed["type"]!.GetValue<string>().Should().Be("Warning");
    }

    [Fact]
    public async Task Missing_config_map_blocks_the_container_until_it_is_created()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0",
            extraContainer: """, "envFrom": [ { "configMapRef": { "name": "settings" } } ]"""));

        await _cluster.RunUntilAsync(() => _cluster.Pods("web").Any(p => WaitingReason(p) == "CreateContainerConfigError"));
        _cluster.Pods("web").Single()["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["message"]!.GetValue<string>()
            .Should().Be("configmap \"settings\" not found");

        _cluster.Create(ResourceTypes.ConfigMaps, """{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "settings" }, "data": { "A": "1" } }""");
        await _cluster.RunUntilAsync(() => IsComplete("web", 1), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Progress_deadline_exceeded_when_the_new_replica_set_never_becomes_available()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "sim.local/never-ready:1", extraSpec: "\"progressDeadlineSeconds\": 5,"));

        await _cluster.RunUntilAsync(() => _cluster.Pods("web").Any(p => p["status"]?["phase"]?.GetValue<string>() == "Running"));
        var lastProgress = Timestamp(Condition(Deployment("web"), "Progressing")!, "lastUpdateTime");
        var deadline = lastProgress + TimeSpan.FromSeconds(5);

        await _cluster.RunForAsync(deadline - TimeSpan.FromMilliseconds(100) - _cluster.Time.GetUtcNow());
        var before = Condition(Deployment("web"), "Progressing")!;
        before["status"]!.GetValue<string>().Should().Be("True", "until the deadline passes the rollout is still progressing");
        before["reason"]!.GetValue<string>().Should().Be("ReplicaSetUpdated");
        Timestamp(before, "lastUpdateTime").Should().Be(lastProgress, "a pod that never becomes ready is no progress");

        // The controller looks again at the deadline and, since timestamps have whole seconds, a second after it.
        await _cluster.RunForAsync(TimeSpan.FromSeconds(1.1));
        var progressing = Condition(Deployment("web"), "Progressing")!;
        progressing["reason"]!.GetValue<string>().Should().Be("ProgressDeadlineExceeded");
        progressing["status"]!.GetValue<string>().Should().Be("False");
        Timestamp(progressing, "lastTransitionTime").Should().BeOnOrAfter(deadline, "not before progressDeadlineSeconds without progress");
        _cluster.Events("web").Should().ContainSingle(e => e["reason"]!.GetValue<string>() == "ProgressDeadlineExceeded")
            .Which["type"]!.GetValue<string>().Should().Be("Warning");
        var rs = ReplicaSets().Single()["metadata"]!["name"]!.GetValue<string>();
        progressing["message"]!.GetValue<string>().Should().Be($"ReplicaSet \"{rs}\" has timed out progressing.");
        Condition(Deployment("web"), "Available")!["status"]!.GetValue<string>().Should().Be("False");
    }

    [Fact]
    public async Task Recreate_strategy_removes_old_pods_before_starting_new_ones()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", replicas: 2, strategy: "\"strategy\": { \"type\": \"Recreate\" },"));
        await _cluster.RunUntilAsync(() => IsComplete("web", 2));

        SetImage("web", "nginx:1.17.0");
        var sawMixed = false;
        await _cluster.RunUntilAsync(() =>
        {
            var images = _cluster.Pods("web").Select(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>()).Distinct().Count();
            sawMixed |= images > 1;
            return IsComplete("web", 2);
        });

        sawMixed.Should().BeFalse();
    }

    [Fact]
    public async Task Scaling_down_removes_pods_and_paused_deployments_do_not_roll()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", replicas: 3));
        await _cluster.RunUntilAsync(() => IsComplete("web", 3));

        _cluster.Store.Mutate(ResourceTypes.Deployments, "default", "web", d =>
        {
            d["spec"]!["replicas"] = 1;
            d["spec"]!["paused"] = true;
            return true;
        });
        SetImage("web", "nginx:1.17.0");
        await _cluster.RunForAsync(TimeSpan.FromSeconds(2));

        ReplicaSets().Should().ContainSingle("a paused deployment does not start a rollout");
        Condition(Deployment("web"), "Progressing")!["reason"]!.GetValue<string>().Should().Be("DeploymentPaused");

        _cluster.Store.Mutate(ResourceTypes.Deployments, "default", "web", d => d["spec"]!.AsObject().Remove("paused"));
        await _cluster.RunUntilAsync(() => IsComplete("web", 1) && ReplicaSets().Count == 2);
        _cluster.Pods("web").Should().ContainSingle();
    }

    [Fact]
    public async Task Revision_history_limit_deletes_the_oldest_idle_replica_sets()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.0", extraSpec: "\"revisionHistoryLimit\": 1,"));
        await _cluster.RunUntilAsync(() => IsComplete("web", 1));
        foreach (var tag in new[] { "1.1", "1.2", "1.3" })
        {
            SetImage("web", "nginx:" + tag);
            await _cluster.RunUntilAsync(() => IsComplete("web", 1));
        }

        await _cluster.RunForAsync(TimeSpan.FromMilliseconds(500));
        ReplicaSets().Should().HaveCount(2, "the current one plus one old");
    }

    [Fact]
    public async Task Deleting_a_deployment_collects_its_replica_sets_and_pods()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", replicas: 2));
        await _cluster.RunUntilAsync(() => IsComplete("web", 2));
        var pod = _cluster.Pods("web")[0]["metadata"]!["name"]!.GetValue<string>();

        _cluster.Store.Delete(ResourceTypes.Deployments, "default", "web");
        await _cluster.RunForAsync(TimeSpan.FromMilliseconds(500));

        ReplicaSets().Should().BeEmpty();
        _cluster.Pods("web").Should().BeEmpty();
        _cluster.Events(pod).Select(e => e["reason"]!.GetValue<string>()).Should().Contain("Killing");
        _cluster.Controllers.GetPodLog("default", pod, null, false, null).Should().BeNull();
    }

    [Fact]
    public async Task Scaling_up_long_after_a_complete_rollout_does_not_time_out()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "nginx:1.16.0", extraSpec: "\"progressDeadlineSeconds\": 2,"));
        await _cluster.RunUntilAsync(() => IsComplete("web", 1));
        await _cluster.RunForAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500));

        _cluster.Store.Mutate(ResourceTypes.Deployments, "default", "web", d =>
        {
            d["spec"]!["replicas"] = 3;
            return true;
        });
        var sawTimeout = false;
        await _cluster.RunUntilAsync(() =>
        {
            sawTimeout |= Condition(Deployment("web"), "Progressing")?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded";
            return IsComplete("web", 3);
        });

        sawTimeout.Should().BeFalse();
    }

    private void SetImage(string name, string image) =>
        _cluster.Store.Mutate(ResourceTypes.Deployments, "default", name, d =>
        {
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image;
            return true;
        });

    private static IEnumerable<JsonObject> InOrder(IEnumerable<JsonObject> events) =>
        events.OrderBy(e => long.Parse(e["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture));

    private static DateTimeOffset Timestamp(JsonObject condition, string field) =>
        DateTimeOffset.Parse(condition[field]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private static int RestartCount(JsonObject pod) =>
        pod["status"]?["containerStatuses"]?[0]?["restartCount"]?.GetValue<int>() ?? 0;

    private static string? WaitingReason(JsonObject pod) =>
        pod["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;
}
