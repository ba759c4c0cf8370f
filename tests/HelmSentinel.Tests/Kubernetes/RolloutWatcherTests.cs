using System.Text.Json.Nodes;
using HelmSentinel.Kubernetes;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.EndToEnd;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>The watcher against the simulator: workloads are written straight into its store, as Helm would write them.</summary>
public sealed class RolloutWatcherTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CrashLoop_IsFatal_NamingThePodReasonAndLastLogLine()
    {
        const string ns = "w-crash";
        await DeployHealthyAsync(ns);
        await using var watcher = await StartAsync(ns, mask: s => s.Replace("unrecoverable", "***", StringComparison.Ordinal));

        SetContainer(ns, c => c["image"] = "sim.local/crash:1");
        var diagnosis = await watcher.Fatal.WaitAsync(Patience);

        diagnosis.Fatal.Should().BeTrue();
        diagnosis.Summary.Should().MatchRegex(@"^pod web-[a-z0-9]+-[a-z0-9]{5} \(Deployment web\): CrashLoopBackOff after 2 restarts, exit code 1$");
        var pod = diagnosis.Pods[0];
        pod.Workload.Should().Be("Deployment/web");
        pod.Container.Should().Be("web");
        pod.Reason.Should().Be("CrashLoopBackOff");
        pod.ExitCode.Should().Be(1);
        pod.RestartCount.Should().Be(2);
        pod.LastLogLines[^1].Should().EndWith("fatal: *** error, exiting (exit code 1)");
        pod.Events.Should().Contain(e => e.StartsWith("BackOff: Back-off restarting failed container web", StringComparison.Ordinal));
        diagnosis.NotReady.Should().BeEmpty("the old pods still serve both wanted replicas: the rollout is incomplete, not unready");
        diagnosis.Pods.Select(p => p.Pod).Should().OnlyContain(p => !OldPods(ns).Contains(p), "the healthy old pods never count");
    }

    [Theory]
    [InlineData("registry.example/missing:1", "ImagePullBackOff|ErrImagePull")]
    [InlineData("sim.local/oom", "OOMKilled")]
    public async Task ImagePullAndOom_AreFatal(string image, string reasons)
    {
        var ns = "w-" + image.Split('/')[0].Split('.')[0];
        await DeployHealthyAsync(ns);
        await using var watcher = await StartAsync(ns);

        SetContainer(ns, c => c["image"] = image);
        var diagnosis = await watcher.Fatal.WaitAsync(Patience);

        diagnosis.Pods[0].Reason.Should().MatchRegex("^(" + reasons + ")$");
        diagnosis.Summary.Should().MatchRegex(@"^pod web-\S+ \(Deployment web\): (" + reasons + ")");
        if (image.Contains("oom", StringComparison.Ordinal))
        {
            diagnosis.Pods[0].ExitCode.Should().Be(137);
            diagnosis.Pods[0].LastLogLines.Should().NotBeEmpty();
        }
        else
        {
            diagnosis.Pods[0].Message.Should().Contain("registry.example/missing:1");
        }
    }

    [Fact]
    public async Task Unschedulable_IsFatalAfterTheGrace()
    {
        const string ns = "w-unsched";
        await DeployHealthyAsync(ns);
        await using var watcher = await StartAsync(ns, grace: TimeSpan.FromSeconds(2));

        var started = DateTimeOffset.UtcNow;
        SetContainer(ns, c => c["resources"] = new JsonObject { ["requests"] = new JsonObject { ["memory"] = "999Gi" } });
        var diagnosis = await watcher.Fatal.WaitAsync(Patience);

        (diagnosis.DetectedAt - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        diagnosis.Pods[0].Reason.Should().Be("Unschedulable");
        diagnosis.Pods[0].Message.Should().Contain("Insufficient memory");
        diagnosis.Pods[0].Events.Should().Contain(e => e.StartsWith("FailedScheduling: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingConfigMap_IsFatalAtOnce()
    {
        const string ns = "w-config";
        await DeployHealthyAsync(ns);
        await using var watcher = await StartAsync(ns);

        SetContainer(ns, c => c["env"] = JsonNode.Parse("""[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"absent","key":"k"}}}]"""));
        var diagnosis = await watcher.Fatal.WaitAsync(Patience);

        diagnosis.Summary.Should().MatchRegex(@"^pod web-\S+ \(Deployment web\): CreateContainerConfigError: configmap ""absent"" not found$");
    }

    [Fact]
    public async Task SlowStartAndASingleRestart_RollOutWithoutAFatalStateOrAWarning()
    {
        // That neither is ever fatal is proved on snapshots (RolloutEvaluatorTests); here, the real rollout.
        await Task.WhenAll(DeployHealthyAsync("w-slow"), DeployHealthyAsync("w-once"));
        await using var slow = await StartAsync("w-slow");
        await using var once = await StartAsync("w-once");

        SetContainer("w-slow", c => c["image"] = "sim.local/slow-8");
        SetContainer("w-once", c => c["image"] = "sim.local/restart-once");
        // restart-once is fully rolled out; slow-8 has its first new pod Ready (the second needs another 8 s).
        await Eventually.WaitUntilAsync(() => Ready("w-once", "sim.local/restart-once") && ReadyCount("w-slow", "sim.local/slow-8") >= 1, "restart-once is rolled out and slow-8 has a Ready pod", TimeSpan.FromSeconds(15));

        slow.Fatal.IsCompleted.Should().BeFalse();
        once.Fatal.IsCompleted.Should().BeFalse();
        slow.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task PodsOfAnUpgradeThatStartedBeforeTheFirstList_CountOnceTheStartIsKnown()
    {
        // Helm does not wait for the watcher: the broken pods may already be in its first list. That they do not
        // count until the start is known is proved on snapshots (RolloutEvaluatorTests).
        const string ns = "w-late";
        await DeployHealthyAsync(ns);
        var helmStarted = DateTimeOffset.UtcNow;
        SetContainer(ns, c => c["image"] = "sim.local/crash:1");
        await Eventually.WaitUntilAsync(() => cluster.Simulator.Store.List(ResourceTypes.Pods, ns).Any(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "sim.local/crash:1"), "a pod of the upgrade exists", Patience);
        await using var watcher = await StartAsync(ns);

        watcher.UpgradeStarted(helmStarted);
        var diagnosis = await watcher.Fatal.WaitAsync(Patience);

        diagnosis.Pods[0].Reason.Should().Be("CrashLoopBackOff");
        diagnosis.Pods.Select(p => p.Pod).Should().OnlyContain(p => !OldPods(ns).Contains(p), "the healthy old pods still never count");
    }

    [Fact]
    public async Task Dispose_StopsEveryWatchAndTask()
    {
        const string ns = "w-dispose";
        await DeployHealthyAsync(ns);
        var watcher = await StartAsync(ns);
        SetContainer(ns, c => c["image"] = "nginx:1.27.0");
        await Eventually.WaitUntilAsync(() => Ready(ns, "nginx:1.27.0"), "nginx:1.27.0 is rolled out", Patience);
        Requests(ns).Should().Contain(r => r.Contains("watch=true", StringComparison.Ordinal), "it watches instead of polling");
        Requests(ns).Count(r => r.Split('?')[0] == "GET /api/v1/namespaces/" + ns + "/pods" && !r.Contains("watch=true", StringComparison.Ordinal))
            .Should().Be(1, "one list, then one watch: " + string.Join(" | ", Requests(ns)));

        await Eventually.WaitUntilAsync(() => cluster.Simulator.OpenWatches(ns) == 6, "a watch of each of the six kinds is open", Patience);

        await watcher.DisposeAsync();
        var after = Requests(ns).Count;
        SetContainer(ns, c => c["image"] = "sim.local/crash");

        // Nothing can reconnect: every loop has ended (Stopped), and the server has seen every watch close.
        watcher.Stopped.Should().BeTrue();
        watcher.Fatal.IsCanceled.Should().BeTrue();
        await Eventually.WaitUntilAsync(() => cluster.Simulator.OpenWatches(ns) == 0, "the server has seen every watch close", Patience);
        Requests(ns).Count.Should().Be(after, "nothing reconnects after dispose");
    }

    [Fact]
    public async Task UnreachableCluster_IsAWarningNotAnError()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"unreachable-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, File.ReadAllText(cluster.Kubeconfig).Replace(cluster.Simulator.BaseAddress.ToString().TrimEnd('/'), "http://127.0.0.1:1", StringComparison.Ordinal));
        try
        {
            await using var watcher = await RolloutWatcher.StartAsync(
                new RolloutWatcherOptions { Release = "web", Namespace = "x", Kubeconfig = kubeconfig }, TimeSpan.FromSeconds(1));

            watcher.Warnings.Should().NotBeEmpty();
            watcher.Fatal.IsCompleted.Should().BeFalse();
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private Task<RolloutWatcher> StartAsync(string ns, Func<string, string>? mask = null, TimeSpan? grace = null) =>
        RolloutWatcher.StartAsync(new RolloutWatcherOptions
        {
            Release = "web",
            Namespace = ns,
            Kubeconfig = cluster.Kubeconfig,
            Mask = mask ?? (s => s),
            Rules = new FailFastOptions { UnschedulableGrace = grace ?? TimeSpan.FromSeconds(30) },
        });

    private async Task DeployHealthyAsync(string ns)
    {
        cluster.Simulator.Store.Create(ResourceTypes.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        cluster.Simulator.Store.Create(ResourceTypes.Deployments, ns, JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","annotations":{"meta.helm.sh/release-name":"web","meta.helm.sh/release-namespace":"NS"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25.0"}]}}}}
            """.Replace("NS", ns, StringComparison.Ordinal))!.AsObject());
        await Eventually.WaitUntilAsync(() => Ready(ns, "nginx:1.25.0"), "the healthy revision is rolled out", Patience);
    }

    private void SetContainer(string ns, Action<JsonObject> change) =>
        cluster.Simulator.Store.Mutate(ResourceTypes.Deployments, ns, "web", d =>
        {
            change(d["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject());
            return true;
        });

    private bool Ready(string ns, string image)
    {
        var pods = cluster.Simulator.Store.List(ResourceTypes.Pods, ns);
        return pods.Count == 2 && pods.All(p =>
            p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == image &&
            p["status"]?["conditions"] is JsonArray c && c.Any(x => x?["type"]?.GetValue<string>() == "Ready" && x["status"]?.GetValue<string>() == "True"));
    }

    private int ReadyCount(string ns, string image) =>
        cluster.Simulator.Store.List(ResourceTypes.Pods, ns).Count(p =>
            p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == image &&
            p["status"]?["conditions"] is JsonArray c && c.Any(x => x?["type"]?.GetValue<string>() == "Ready" && x["status"]?.GetValue<string>() == "True"));

    private List<string> OldPods(string ns) =>
        [.. cluster.Simulator.Store.List(ResourceTypes.Pods, ns)
            .Where(p => p["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == "nginx:1.25.0")
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())];

    private List<string> Requests(string ns) => [.. cluster.Simulator.RequestLog.Where(r => r.Contains("/namespaces/" + ns + "/", StringComparison.Ordinal))];
}
