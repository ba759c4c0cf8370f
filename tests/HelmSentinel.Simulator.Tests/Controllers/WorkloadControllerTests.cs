using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Controllers;

public sealed class WorkloadControllerTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = new SimulatedCluster(ClusterConfig.Parse("""
            nodes:
              - name: node-a
                cpu: "4"
                memory: 8Gi
              - name: node-b
                cpu: "4"
                memory: 8Gi
            """));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string? Text(JsonNode? node) => node?.ToJsonString().Trim('"');

    [Fact]
    public async Task Start_creates_nodes_and_system_namespaces()
    {
        await _cluster.SettleAsync();

        var nodes = _cluster.Store.List(ResourceTypes.Nodes, null);
        nodes.Select(n => Text(n["metadata"]!["name"])).Should().Equal("node-a", "node-b");
        Text(nodes[0]["status"]!["allocatable"]!["cpu"]).Should().Be("4");
        Text(nodes[0]["status"]!["allocatable"]!["memory"]).Should().Be("8388608Ki");
        nodes[0]["status"]!["conditions"]!.AsArray().Should().Contain(c => Text(c!["type"]) == "Ready" && Text(c["status"]) == "True");
        _cluster.Store.List(ResourceTypes.Namespaces, null).Select(n => Text(n["metadata"]!["name"]))
            .Should().Contain(["default", "kube-system", "kube-public"]);
    }

    [Fact]
    public async Task StatefulSet_creates_ordered_pods_and_claims_then_rolls_updates_in_reverse()
    {
        _cluster.Create(ResourceTypes.StatefulSets, """
            {
              "apiVersion": "apps/v1", "kind": "StatefulSet",
              "metadata": { "name": "db" },
              "spec": {
                "replicas": 3, "serviceName": "db",
                "selector": { "matchLabels": { "app": "db" } },
                "template": { "metadata": { "labels": { "app": "db" } }, "spec": { "containers": [ { "name": "db", "image": "nginx:1.25" } ] } },
                "volumeClaimTemplates": [ { "metadata": { "name": "data" }, "spec": { "accessModes": ["ReadWriteOnce"], "resources": { "requests": { "storage": "1Gi" } } } } ]
              }
            }
            """);

        await _cluster.RunUntilAsync(() => Text(_cluster.Get(ResourceTypes.StatefulSets, "db")!["status"]?["readyReplicas"]) == "3");

        _cluster.Pods("db").Select(p => Text(p["metadata"]!["name"])).Should().BeEquivalentTo("db-0", "db-1", "db-2");
        var claim = _cluster.Get(ResourceTypes.PersistentVolumeClaims, "data-db-0")!;
        Text(claim["status"]!["phase"]).Should().Be("Bound");
        var set = _cluster.Get(ResourceTypes.StatefulSets, "db")!;
        Text(set["status"]!["currentRevision"]).Should().Be(Text(set["status"]!["updateRevision"]));

        _cluster.Store.Mutate(ResourceTypes.StatefulSets, "default", "db", s =>
        {
            s["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.26";
            return true;
        });
        await _cluster.RunUntilAsync(() =>
        {
            var s = _cluster.Get(ResourceTypes.StatefulSets, "db")!;
            return Text(s["status"]?["updatedReplicas"]) == "3" && Text(s["status"]?["readyReplicas"]) == "3" &&
                Text(s["status"]?["currentRevision"]) == Text(s["status"]?["updateRevision"]);
        });
        _cluster.Pods("db").Should().OnlyContain(p => Text(p["spec"]!["containers"]![0]!["image"]) == "nginx:1.26");
    }

    [Fact]
    public async Task DaemonSet_runs_one_pod_per_node()
    {
        _cluster.Create(ResourceTypes.DaemonSets, """
            {
              "apiVersion": "apps/v1", "kind": "DaemonSet",
              "metadata": { "name": "agent" },
              "spec": {
                "selector": { "matchLabels": { "app": "agent" } },
                "template": { "metadata": { "labels": { "app": "agent" } }, "spec": { "containers": [ { "name": "agent", "image": "busybox:1.36" } ] } }
              }
            }
            """);

        await _cluster.RunUntilAsync(() => Text(_cluster.Get(ResourceTypes.DaemonSets, "agent")!["status"]?["numberReady"]) == "2");

        var status = _cluster.Get(ResourceTypes.DaemonSets, "agent")!["status"]!;
        Text(status["desiredNumberScheduled"]).Should().Be("2");
        Text(status["updatedNumberScheduled"]).Should().Be("2");
        Text(status["numberAvailable"]).Should().Be("2");
        _cluster.Pods("agent").Select(p => Text(p["spec"]!["nodeName"])).Should().BeEquivalentTo("node-a", "node-b");
    }

    [Fact]
    public async Task Job_with_a_busybox_pod_completes()
    {
        _cluster.Create(ResourceTypes.Jobs, Job("hook", "busybox:1.36", "Never"));

        await _cluster.RunUntilAsync(() => Condition("hook", "Complete") is not null);

        var status = _cluster.Get(ResourceTypes.Jobs, "hook")!["status"]!;
        Text(status["succeeded"]).Should().Be("1");
        status["completionTime"].Should().NotBeNull();
        status["startTime"].Should().NotBeNull();
        var pod = _cluster.Store.List(ResourceTypes.Pods, "default").Single();
        Text(pod["status"]!["phase"]).Should().Be("Succeeded");
    }

    [Fact]
    public async Task Job_with_a_crashing_pod_fails_with_BackoffLimitExceeded()
    {
        _cluster.Create(ResourceTypes.Jobs, Job("migrate", "sim.local/crash:1", "Never", backoffLimit: 1));

        await _cluster.RunUntilAsync(() => Condition("migrate", "Failed") is not null, TimeSpan.FromSeconds(30));

        var failed = Condition("migrate", "Failed")!;
        Text(failed["reason"]).Should().Be("BackoffLimitExceeded");
        Text(failed["message"]).Should().Be("Job has reached the specified backoff limit");
        Text(_cluster.Get(ResourceTypes.Jobs, "migrate")!["status"]!["failed"]).Should().Be("2");
    }

    [Fact]
    public async Task Standalone_claim_becomes_bound()
    {
        _cluster.Create(ResourceTypes.PersistentVolumeClaims, """
            { "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": { "name": "cache" },
              "spec": { "accessModes": ["ReadWriteOnce"], "resources": { "requests": { "storage": "5Gi" } } } }
            """);

        await _cluster.RunUntilAsync(() => Text(_cluster.Get(ResourceTypes.PersistentVolumeClaims, "cache")!["status"]?["phase"]) == "Bound");

        Text(_cluster.Get(ResourceTypes.PersistentVolumeClaims, "cache")!["status"]!["capacity"]!["storage"]).Should().Be("5Gi");
    }

    [Fact]
    public async Task Dispose_is_idempotent_and_stops_every_timer()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("web", "sim.local/crash:1"));
        await _cluster.RunForAsync(TimeSpan.FromSeconds(1));
        _cluster.Time.PendingTimers.Should().BeGreaterThan(0);

        await _cluster.Controllers.DisposeAsync();
        await _cluster.Controllers.DisposeAsync();

        _cluster.Time.PendingTimers.Should().Be(0);
        var rv = _cluster.Store.ResourceVersion;
        _cluster.Time.Advance(TimeSpan.FromSeconds(30));
        _cluster.Store.ResourceVersion.Should().Be(rv, "no timer is left to fire");

        // The store calls its subscribers on the writer's thread: if the controllers still listened, this change would be
        // queued before Mutate returns, and stay queued (or, with the loop still running, be reconciled and write more).
        _cluster.Store.Mutate(ResourceTypes.Deployments, "default", "web", d =>
        {
            d["spec"]!["replicas"] = 3;
            return true;
        });
        _cluster.Controllers.IsIdle.Should().BeTrue("nothing reconciles after dispose");
        _cluster.Store.ResourceVersion.Should().Be(rv + 1, "the only write is the test's own");
        var act = () => _cluster.Controllers.Start();
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Start_twice_is_harmless()
    {
        _cluster.Controllers.Start();

        _cluster.Store.List(ResourceTypes.Nodes, null).Should().HaveCount(2);
    }

    private JsonObject? Condition(string job, string type) =>
        _cluster.Get(ResourceTypes.Jobs, job)!["status"]?["conditions"]?.AsArray().OfType<JsonObject>()
            .FirstOrDefault(c => Text(c["type"]) == type && Text(c["status"]) == "True");

    private static string Job(string name, string image, string restartPolicy, int backoffLimit = 6) => $$"""
        {
          "apiVersion": "batch/v1", "kind": "Job",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "backoffLimit": {{backoffLimit}},
            "template": { "spec": { "restartPolicy": "{{restartPolicy}}", "containers": [ { "name": "main", "image": "{{image}}" } ] } }
          }
        }
        """;
}
