using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Controllers;

namespace HelmSentinel.Simulator.Tests.Controllers;

public class PodSimulationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static JsonObject Pod(string image, string restartPolicy = "Always", string probe = "") => JsonNode.Parse($$"""
        {
          "metadata": { "name": "p", "namespace": "default", "uid": "u-1" },
          "spec": { "restartPolicy": "{{restartPolicy}}", "containers": [ { "name": "web", "image": "{{image}}" {{probe}} } ] }
        }
        """)!.AsObject();

    private static (PodSimulation Sim, List<PodEvent> Events) Start(JsonObject pod, ClusterConfig? config = null)
    {
        var sim = new PodSimulation(pod, config ?? ClusterConfig.Default, T0);
        var events = sim.Schedule(T0, "sim-node-1", "172.18.0.2", "10.244.0.5", emitScheduled: true).ToList();
        return (sim, events);
    }

    private static List<PodEvent> Run(PodSimulation sim, TimeSpan until, Func<string, string?>? configError = null)
    {
        var events = new List<PodEvent>();
        // Step like the controller does: wake at each NextWake up to the limit.
        while (sim.NextWake is { } wake && wake <= T0 + until)
        {
            events.AddRange(sim.Advance(wake, configError ?? (_ => null)));
        }

        events.AddRange(sim.Advance(T0 + until, configError ?? (_ => null)));
        return events;
    }

    private static JsonObject Container(PodSimulation sim) => (JsonObject)sim.Status(null)["containerStatuses"]![0]!;

    [Fact]
    public void Ready_image_pulls_starts_and_becomes_ready_quickly()
    {
        var (sim, events) = Start(Pod("nginx:1.16.0"));
        events.AddRange(Run(sim, TimeSpan.FromSeconds(1)));

        sim.Phase().Should().Be("Running");
        sim.Ready.Should().BeTrue();
        events.Select(e => e.Reason).Should().Equal("Scheduled", "Pulling", "Pulled", "Created", "Started");
        events[0].Message.Should().Be("Successfully assigned default/p to sim-node-1");
        events[1].Message.Should().Be("Pulling image \"nginx:1.16.0\"");
        events[1].FieldPath.Should().Be("spec.containers{web}");
        var status = sim.Status("BestEffort");
        status["podIP"]!.GetValue<string>().Should().Be("10.244.0.5");
        status["conditions"]!.AsArray().Select(c => $"{c!["type"]}={c["status"]}").Should().Equal(
            "PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True");
        var c = Container(sim);
        c["ready"]!.GetValue<bool>().Should().BeTrue();
        c["started"]!.GetValue<bool>().Should().BeTrue();
        c["image"]!.GetValue<string>().Should().Be("docker.io/library/nginx:1.16.0");
        c["imageID"]!.GetValue<string>().Should().StartWith("docker.io/library/nginx@sha256:");
        c["containerID"]!.GetValue<string>().Should().StartWith("containerd://");
        c["state"]!["running"]!["startedAt"].Should().NotBeNull();
        sim.Log(null, previous: false, tailLines: null).Should().Contain("Configuration complete; ready for start up");
    }

    [Fact]
    public void Readiness_waits_for_the_probe_initial_delay()
    {
        var (sim, _) = Start(Pod("nginx:1.16.0", probe: """, "readinessProbe": { "httpGet": { "path": "/", "port": "http" }, "initialDelaySeconds": 3 }"""));

        Run(sim, TimeSpan.FromSeconds(2));
        sim.Ready.Should().BeFalse();
        sim.Phase().Should().Be("Running");
        Run(sim, TimeSpan.FromSeconds(4));
        sim.Ready.Should().BeTrue();
    }

    [Fact]
    public void Crash_image_loops_with_growing_backoff_and_restart_count()
    {
        var (sim, _) = Start(Pod("ghcr.io/helm-sentinel/demo-web:2.0.0"));
        var events = Run(sim, TimeSpan.FromSeconds(10));

        var c = Container(sim);
        c["restartCount"]!.GetValue<int>().Should().BeInRange(2, 4);
        c["ready"]!.GetValue<bool>().Should().BeFalse();
        c["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>().Should().Be(1);
        c["lastState"]!["terminated"]!["reason"]!.GetValue<string>().Should().Be("Error");
        sim.Phase().Should().Be("Running");
        events.Where(e => e.Reason == "BackOff").Should().NotBeEmpty();
        events.First(e => e.Reason == "BackOff").Message.Should().Be("Back-off restarting failed container web in pod p_default(u-1)");
        sim.Log("web", previous: true, tailLines: 1).Should().Be("panic: required setting DATABASE_URL is not set\n");
        var starts = events.Where(e => e.Reason == "Started").Select(e => e.At).ToList();
        (starts[2] - starts[1]).Should().BeGreaterThan(starts[1] - starts[0], "the back-off doubles");
    }

    [Fact]
    public void Crash_state_is_CrashLoopBackOff_between_runs()
    {
        var (sim, _) = Start(Pod("sim.local/crash:1"));
        Run(sim, TimeSpan.FromMilliseconds(500));

        var waiting = Container(sim)["state"]!["waiting"]!;
        waiting["reason"]!.GetValue<string>().Should().Be("CrashLoopBackOff");
        waiting["message"]!.GetValue<string>().Should().Be("back-off 1s restarting failed container=web pod=p_default(u-1)");
    }

    [Fact]
    public void Oom_image_is_OOMKilled_with_exit_137()
    {
        var (sim, _) = Start(Pod("sim.local/oom:1"));
        Run(sim, TimeSpan.FromSeconds(2));

        var terminated = Container(sim)["lastState"]!["terminated"]!;
        terminated["reason"]!.GetValue<string>().Should().Be("OOMKilled");
        terminated["exitCode"]!.GetValue<int>().Should().Be(137);
    }

    [Fact]
    public void Slow_image_becomes_ready_after_its_seconds()
    {
        var (sim, _) = Start(Pod("sim.local/slow-8:1"));

        Run(sim, TimeSpan.FromSeconds(7));
        sim.Ready.Should().BeFalse();
        Run(sim, TimeSpan.FromSeconds(8.2));
        sim.Ready.Should().BeTrue();
    }

    [Fact]
    public void Slow_image_with_a_readiness_probe_becomes_ready_at_the_first_probe_after_it_is_up()
    {
        // Probes at 1 s and 2 s fail (the app is up at 2.5 s); the one at 3 s passes.
        var (sim, _) = Start(Pod("sim.local/slow-2.5:1", probe: """, "readinessProbe": { "tcpSocket": { "port": 80 }, "initialDelaySeconds": 1, "periodSeconds": 1 }"""));

        var events = Run(sim, TimeSpan.FromSeconds(2.9));
        var started = events.Single(e => e.Reason == "Started").At; // after the image pull
        sim.Ready.Should().BeFalse("the app is up, but no probe has passed yet");
        events.Where(e => e.Reason == "Unhealthy").Select(e => (e.At - started, e.Message)).Should().Equal(
            (TimeSpan.FromSeconds(1), "Readiness probe failed: dial tcp: connect: connection refused"),
            (TimeSpan.FromSeconds(2), "Readiness probe failed: dial tcp: connect: connection refused"));

        events = Run(sim, TimeSpan.FromSeconds(10));
        sim.Ready.Should().BeTrue();
        events.Should().NotContain(e => e.Reason == "Unhealthy", "the probe passed at 3 s");
        var ready = sim.Status(null)["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!;
        ready["status"]!.GetValue<string>().Should().Be("True");
        ready["lastTransitionTime"]!.GetValue<string>().Should().Be(Json.Time(started + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Never_ready_image_runs_and_reports_failing_readiness_probes()
    {
        var (sim, _) = Start(Pod("sim.local/never-ready:1", probe: """, "readinessProbe": { "httpGet": { "path": "/", "port": 80 } }"""));
        var events = Run(sim, TimeSpan.FromSeconds(10));

        sim.Phase().Should().Be("Running");
        sim.Ready.Should().BeFalse();
        var unhealthy = events.Where(e => e.Reason == "Unhealthy").ToList();
        unhealthy.Should().HaveCountGreaterThan(2);
        unhealthy[0].Type.Should().Be("Warning");
        unhealthy[0].Message.Should().Be("Readiness probe failed: HTTP probe failed with statuscode: 503");
        var ready = sim.Status(null)["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!;
        ready["reason"]!.GetValue<string>().Should().Be("ContainersNotReady");
        ready["message"]!.GetValue<string>().Should().Be("containers with unready status: [web]");
    }

    [Fact]
    public void Restart_once_image_crashes_once_then_stays_ready()
    {
        var (sim, _) = Start(Pod("sim.local/restart-once:1"));
        Run(sim, TimeSpan.FromSeconds(10));

        sim.Ready.Should().BeTrue();
        Container(sim)["restartCount"]!.GetValue<int>().Should().Be(1);
        Container(sim)["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Unknown_image_goes_to_ErrImagePull_then_ImagePullBackOff()
    {
        var (sim, _) = Start(Pod("example.com/nope:1"));
        var events = Run(sim, TimeSpan.FromMilliseconds(60));

        Container(sim)["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().Be("ErrImagePull");
        events.Should().Contain(e => e.Reason == "Failed" && e.Message.StartsWith("Failed to pull image \"example.com/nope:1\": rpc error: code = NotFound", StringComparison.Ordinal));
        events.AddRange(Run(sim, TimeSpan.FromSeconds(5)));

        var waiting = Container(sim)["state"]!["waiting"]!;
        waiting["reason"]!.GetValue<string>().Should().BeOneOf("ImagePullBackOff", "ErrImagePull", "ContainerCreating");
        events.Should().Contain(e => e.Reason == "BackOff" && e.Message == "Back-off pulling image \"example.com/nope:1\"");
        events.Count(e => e.Reason == "Pulling").Should().BeGreaterThan(1, "the kubelet keeps retrying");
        sim.Phase().Should().Be("Pending");
    }

    [Fact]
    public void Missing_config_blocks_the_container_until_it_appears()
    {
        var (sim, _) = Start(Pod("nginx:1.16.0"));
        var missing = true;
        var events = Run(sim, TimeSpan.FromSeconds(2), _ => missing ? "configmap \"settings\" not found" : null);

        var waiting = Container(sim)["state"]!["waiting"]!;
        waiting["reason"]!.GetValue<string>().Should().Be("CreateContainerConfigError");
        waiting["message"]!.GetValue<string>().Should().Be("configmap \"settings\" not found");
        events.Should().Contain(e => e.Reason == "Failed" && e.Message == "Error: configmap \"settings\" not found");
        sim.WaitingOnConfig.Should().BeTrue();

        missing = false;
        Run(sim, TimeSpan.FromSeconds(4), _ => null);
        sim.Ready.Should().BeTrue();
    }

    [Theory]
    [InlineData("busybox:1.36", "Never", "Succeeded", 0)]
    [InlineData("sim.local/crash:1", "Never", "Failed", 1)]
    [InlineData("sim.local/complete:1", "OnFailure", "Succeeded", 0)]
    public void Run_to_completion_pods_end_in_a_terminal_phase(string image, string restartPolicy, string phase, int exitCode)
    {
        var (sim, _) = Start(Pod(image, restartPolicy));
        Run(sim, TimeSpan.FromSeconds(2));

        sim.Phase().Should().Be(phase);
        sim.Finished.Should().BeTrue();
        Container(sim)["state"]!["terminated"]!["exitCode"]!.GetValue<int>().Should().Be(exitCode);
        sim.NextWake.Should().BeNull();
    }

    [Fact]
    public void Log_honours_tail_lines_and_unknown_containers()
    {
        var (sim, _) = Start(Pod("nginx:1.16.0"));
        Run(sim, TimeSpan.FromSeconds(1));

        sim.Log("web", false, 2)!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2);
        sim.Log("nope", false, null).Should().BeNull();
        sim.Log("web", true, null).Should().BeNull("there was no previous run");
    }

    [Fact]
    public void Unschedulable_pod_reports_the_scheduler_message()
    {
        var sim = new PodSimulation(Pod("nginx:1.16.0"), ClusterConfig.Default, T0);
        sim.MarkUnschedulable(T0, "0/1 nodes are available: 1 Insufficient memory.");

        var status = sim.Status("Burstable");
        status["phase"]!.GetValue<string>().Should().Be("Pending");
        var cond = status["conditions"]!.AsArray().Single()!;
        cond["type"]!.GetValue<string>().Should().Be("PodScheduled");
        cond["reason"]!.GetValue<string>().Should().Be("Unschedulable");
        status["containerStatuses"].Should().BeNull();
    }

    private static JsonObject PodWithInit(string initImage, string restartPolicy = "Always") => JsonNode.Parse($$"""
        {
          "metadata": { "name": "p", "namespace": "default", "uid": "u-1" },
          "spec": {
            "restartPolicy": "{{restartPolicy}}",
            "initContainers": [ { "name": "migrate", "image": "{{initImage}}" } ],
            "containers": [ { "name": "web", "image": "nginx:1.16.0" } ]
          }
        }
        """)!.AsObject();

    private static JsonObject Init(PodSimulation sim) => (JsonObject)sim.Status(null)["initContainerStatuses"]![0]!;

    private static string? Condition(PodSimulation sim, string type, string field) =>
        sim.Status(null)["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == type)![field]?.GetValue<string>();

    [Fact]
    public void Init_containers_run_to_completion_before_the_app_containers_start()
    {
        var (sim, events) = Start(PodWithInit("busybox:1.36"));

        Container(sim)["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().Be("PodInitializing");
        Condition(sim, "Initialized", "status").Should().Be("False");
        events.AddRange(Run(sim, TimeSpan.FromSeconds(2)));

        sim.Ready.Should().BeTrue();
        Init(sim)["state"]!["terminated"]!["reason"]!.GetValue<string>().Should().Be("Completed");
        Init(sim)["ready"]!.GetValue<bool>().Should().BeTrue();
        Condition(sim, "Initialized", "status").Should().Be("True");
        var started = events.Where(e => e.Reason == "Started").ToList();
        started.Select(e => e.FieldPath).Should().Equal("spec.initContainers{migrate}", "spec.containers{web}");
        started[1].At.Should().BeAfter(started[0].At);
    }

    [Fact]
    public void Crashing_init_container_loops_and_keeps_the_pod_pending()
    {
        var (sim, _) = Start(PodWithInit("sim.local/crash:1"));
        Run(sim, TimeSpan.FromSeconds(5));

        sim.Phase().Should().Be("Pending");
        Init(sim)["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().Be("CrashLoopBackOff");
        Init(sim)["restartCount"]!.GetValue<int>().Should().BeGreaterThan(0);
        Container(sim)["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().Be("PodInitializing");
        Condition(sim, "Initialized", "message").Should().Be("containers with incomplete status: [migrate]");
    }

    [Fact]
    public void Failing_init_container_fails_a_never_restart_pod()
    {
        var (sim, _) = Start(PodWithInit("sim.local/crash:1", "Never"));
        Run(sim, TimeSpan.FromSeconds(2));

        sim.Phase().Should().Be("Failed");
        sim.Finished.Should().BeTrue();
    }

    [Fact]
    public void Init_container_with_a_missing_image_blocks_in_image_pull_back_off()
    {
        var (sim, _) = Start(PodWithInit("example.com/missing:1"));
        Run(sim, TimeSpan.FromSeconds(3));

        Init(sim)["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().BeOneOf("ErrImagePull", "ImagePullBackOff");
        sim.Phase().Should().Be("Pending");
    }

    [Theory]
    [InlineData("Nginx:1.16")]
    [InlineData("nginx:1.16:bad")]
    [InlineData("nginx:")]
    [InlineData("")]
    public void Unparsable_image_reference_is_InvalidImageName(string image)
    {
        var (sim, events) = Start(Pod(image));
        events.AddRange(Run(sim, TimeSpan.FromSeconds(1)));

        var waiting = Container(sim)["state"]!["waiting"]!;
        waiting["reason"]!.GetValue<string>().Should().Be("InvalidImageName");
        waiting["message"]!.GetValue<string>().Should().EndWith("invalid reference format");
        events.Should().Contain(e => e.Reason == "InspectFailed" && e.Type == "Warning");
        sim.Phase().Should().Be("Pending");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.16.0")]
    [InlineData("localhost:5000/team/app:v1")]
    [InlineData("ghcr.io/helm-sentinel/demo-web:2.0.0")]
    [InlineData("registry.k8s.io/pause@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Valid_references_are_not_InvalidImageName(string image)
    {
        var (sim, _) = Start(Pod(image));
        Run(sim, TimeSpan.FromSeconds(1));

        Container(sim)["state"]!["waiting"]?["reason"]?.GetValue<string>().Should().NotBe("InvalidImageName");
    }
}
