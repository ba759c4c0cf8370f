using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

public sealed class KubectlTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Kubectl_gets_describes_follows_rollout_and_reads_logs()
    {
        // Arrange
        var chart = Path.Combine(_session.Root, "chart");
        (await _session.HelmAsync(3, "create", chart)).ExitCode.Should().Be(0);
        var install = await _session.HelmAsync(3, "install", "web", chart);
        install.ExitCode.Should().Be(0, install.ToString());

        // Act
        var rollout = await _session.KubectlAsync("rollout", "status", "deployment/web-chart", "--timeout=30s");
        var pods = await _session.KubectlAsync("get", "pods", "-o", "wide");
        var podName = _session.Simulator.Store.List(ResourceTypes.Pods, "default").Single()["metadata"]!["name"]!.GetValue<string>();
        var describe = await _session.KubectlAsync("describe", "pod", podName);
        var events = await _session.KubectlAsync("get", "events");
        var logs = await _session.KubectlAsync("logs", podName);
        var deployments = await _session.KubectlAsync("get", "deploy");

        // Assert
        rollout.ExitCode.Should().Be(0, rollout.ToString());
        rollout.StandardOutput.Should().Contain("successfully rolled out");
        pods.ExitCode.Should().Be(0, pods.ToString());
        pods.StandardOutput.Should().MatchRegex(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE");
        pods.StandardOutput.Should().MatchRegex(podName + @"\s+1/1\s+Running\s+0");
        describe.ExitCode.Should().Be(0, describe.ToString());
        describe.StandardOutput.Should().Contain("Events:").And.Contain("nginx:1.16.0");
        events.ExitCode.Should().Be(0, events.ToString());
        events.StandardOutput.Should().MatchRegex(@"LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE").And.Contain("deployment/web-chart");
        logs.ExitCode.Should().Be(0, logs.ToString());
        deployments.ExitCode.Should().Be(0, deployments.ToString());
        deployments.StandardOutput.Should().MatchRegex(@"web-chart\s+1/1\s+1\s+1");
    }

    [Fact]
    public async Task Kubectl_rollout_status_fails_on_a_deployment_past_its_progress_deadline()
    {
        // Arrange
        var manifest = Path.Combine(_session.Root, "crash.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: crasher
            spec:
              replicas: 1
              progressDeadlineSeconds: 3
              selector:
                matchLabels: { app: crasher }
              template:
                metadata:
                  labels: { app: crasher }
                spec:
                  containers:
                    - name: app
                      image: sim.local/crash:1
            """);
        (await _session.KubectlAsync("apply", "-f", manifest)).ExitCode.Should().Be(0);

        // Act
        var rollout = await _session.KubectlAsync("rollout", "status", "deployment/crasher", "--timeout=30s");
        var podName = _session.Simulator.Store.List(ResourceTypes.Pods, "default").Single()["metadata"]!["name"]!.GetValue<string>();
        var pods = await _session.KubectlAsync("get", "pods");
        var describe = await _session.KubectlAsync("describe", "pod", podName);
        var previous = await _session.KubectlAsync("logs", podName, "--previous");

        // Assert
        rollout.ExitCode.Should().NotBe(0, rollout.ToString());
        rollout.StandardError.Should().Contain("exceeded its progress deadline");
        pods.StandardOutput.Should().MatchRegex(podName + @"\s+0/1\s+(CrashLoopBackOff|Error)\s+[1-9]");
        describe.StandardOutput.Should().Contain("BackOff").And.Contain("Back-off restarting failed container");
        previous.ExitCode.Should().Be(0, previous.ToString());
        previous.StandardOutput.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Kubectl_delete_job_takes_its_pods_and_cascade_orphan_leaves_them()
    {
        // Arrange: two Jobs whose pods cannot pull their image
        var manifest = Path.Combine(_session.Root, "jobs.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: cascade
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: registry.example/missing:1
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: orphan
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: registry.example/missing:1
            """);
        var apply = await _session.KubectlAsync("apply", "-f", manifest);
        apply.ExitCode.Should().Be(0, apply.ToString());
        await Eventually.WaitUntilAsync(() => PodsOf("cascade").Count == 1 && PodsOf("orphan").Count == 1, "both Jobs have their pod");

        // Act
        var cascade = await _session.KubectlAsync("delete", "job", "cascade");
        var orphan = await _session.KubectlAsync("delete", "job", "orphan", "--cascade=orphan");

        // Assert
        cascade.ExitCode.Should().Be(0, cascade.ToString());
        cascade.StandardError.Should().NotContain("child pods are preserved", "kubectl asks for background propagation");
        orphan.ExitCode.Should().Be(0, orphan.ToString());
        _session.Simulator.Store.List(ResourceTypes.Jobs, "default").Should().BeEmpty();
        PodsOf("cascade").Should().BeEmpty();
        PodsOf("orphan").Should().ContainSingle().Which["metadata"]!["ownerReferences"].Should().BeNull();
    }

    private IReadOnlyList<System.Text.Json.Nodes.JsonObject> PodsOf(string job) =>
        _session.Simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]?["labels"]?["job-name"]?.GetValue<string>() == job);
}
