using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

/// <summary>
/// <c>pods/NAME/log?follow=true</c> as a kubelet streams it: the lines so far, then each new one, until the container's
/// run ends or the pod goes; containers here run 3 s before they exit, so that a follower is connected before the end.
/// </summary>
public sealed class LogFollowTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new(new SimulatorOptions { Cluster = ClusterConfig.Parse("timing: { runBeforeExit: 3s }") });

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Kubectl_logs_follow_streams_until_the_container_ends_and_keeps_its_last_words()
    {
        // Arrange: a pod that runs three seconds, then completes with a last line
        await ApplyPodAsync("follow", "sim.local/complete", "Never");
        await Eventually.WaitUntilAsync(() => PhaseOf("follow") == "Running", "the pod runs (for 3 s)");

        // Act
        var follow = await _session.KubectlAsync("logs", "-f", "follow");

        // Assert: kubectl returned by itself, because the stream ended with the container
        follow.ExitCode.Should().Be(0, follow.ToString());
        var lines = follow.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().EndWith(" running complete");
        lines[^1].Should().EndWith(" done", "the line written as the container ended reaches the follower");
        PhaseOf("follow").Should().Be("Succeeded");
    }

    [Fact]
    public async Task A_log_follower_is_answered_400_before_the_container_starts_and_released_when_the_pod_is_deleted()
    {
        // Arrange
        await ApplyPodAsync("stuck", "registry.example/missing:1", "Never");
        await ApplyPodAsync("serving", "sim.local/ready", "Always");
        await Eventually.WaitUntilAsync(() => PhaseOf("serving") == "Running", "the pod runs");
        using var http = new HttpClient { BaseAddress = _session.Simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

        // Act
        using var waiting = await http.GetAsync("/api/v1/namespaces/default/pods/stuck/log?follow=true");
        using var following = await http.GetAsync("/api/v1/namespaces/default/pods/serving/log?follow=true", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await following.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var first = await reader.ReadLineAsync();
        var rest = reader.ReadToEndAsync();
        (await _session.KubectlAsync("delete", "pod", "serving", "--grace-period=0", "--force")).ExitCode.Should().Be(0);

        // Assert
        waiting.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await waiting.Content.ReadAsStringAsync()).Should().Contain("container \\\"app\\\" in pod \\\"stuck\\\" is waiting to start");
        following.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        first.Should().EndWith(" starting ready");
        (await rest.WaitAsync(TimeSpan.FromSeconds(10))).Should().EndWith(" listening on :8080\n", "the stream ends when the pod is gone, after the lines it had");
    }

    private async Task ApplyPodAsync(string name, string image, string restartPolicy)
    {
        var manifest = Path.Combine(_session.Root, name + ".yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              restartPolicy: {{restartPolicy}}
              containers:
                - name: app
                  image: {{image}}
            """);
        var apply = await _session.KubectlAsync("apply", "-f", manifest);
        apply.ExitCode.Should().Be(0, apply.ToString());
    }

    private string? PhaseOf(string pod) =>
        _session.Simulator.Store.Get(ResourceTypes.Pods, "default", pod)?["status"]?["phase"]?.GetValue<string>();
}
