using System.Globalization;
using System.Text.RegularExpressions;
using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The rollout advice with the real Helm 3 and 4 against the simulator: a slow-starting image behind a readiness probe
/// that starts at once is advised a startupProbe, from the pod's times as the API server recorded them; a healthy
/// deploy's reports have no Advice section.
/// </summary>
public sealed class AdviceScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ASlowStart_BehindAnEarlyReadinessProbe_IsAdvisedAStartupProbe(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        // Up 4 s after its start; probed from 0 s every second: the probes at 0, 1, 2 and 3 s fail.
        var outcome = await engine.DeployAsync(Request(major, release,
            "image.repository=sim.local/slow-4", "readinessProbe.tcpSocket.port=80", "readinessProbe.initialDelaySeconds=0", "readinessProbe.periodSeconds=1"));

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        var pattern = new Regex($"^the pod of Deployment/{release} became Ready (\\d+) s after creation; its readinessProbe starts at 0 s and probes every 1 s: " +
                                "about (\\d+) failed probes per start — consider a startupProbe$");
        var advice = outcome.Advice.Should().ContainSingle(a => pattern.IsMatch(a), string.Join("\n", outcome.Advice)).Which;
        var match = pattern.Match(advice);
        var (readyAfter, failed) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        readyAfter.Should().Be(ReadyAfterCreation(release), "the time is the pod's own, from its creationTimestamp to its Ready condition");
        failed.Should().Be(readyAfter, "a probe every second from the start fails until the pod is Ready");
        outcome.Advice.Except([advice]).Where(a => !a.StartsWith("the rollout took ", StringComparison.Ordinal)).Should().BeEmpty("nothing else is advised");

        TextReport.Render(outcome, new SecretMasker([])).Should().Contain("advice:\n  - " + advice + "\n");
        MarkdownReport.Render(outcome, new SecretMasker([])).Should().Contain("#### Advice\n\n").And.Contain("became Ready");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AHealthyDeploy_HasNoAdviceSection(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release))).Result.Should().Be(DeployResult.Succeeded);

        var outcome = await engine.DeployAsync(Request(major, release, "greeting=hi", "readinessProbe.tcpSocket.port=80", "readinessProbe.periodSeconds=1"));

        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        outcome.Advice.Should().BeEmpty();
        TextReport.Render(outcome, new SecretMasker([])).Should().NotContain("advice");
        MarkdownReport.Render(outcome, new SecretMasker([])).Should().NotContain("Advice");
    }

    private DeployRequest Request(int major, string release, params string[] set) =>
        cluster.Request(major, release, [.. set, "replicaCount=1"]) with { Timeout = TimeSpan.FromSeconds(60) };

    // The Ready pod of the Deployment's current template, as the API server holds it.
    private int ReadyAfterCreation(string release)
    {
        var pod = cluster.Simulator.Store.List(ResourceTypes.Pods, release)
            .Single(p => p["metadata"]?["deletionTimestamp"] is null && p["spec"]!["containers"]![0]!["image"]!.GetValue<string>().StartsWith("sim.local/slow-4", StringComparison.Ordinal));
        var created = DateTimeOffset.Parse(pod["metadata"]!["creationTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var ready = DateTimeOffset.Parse(
            pod["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["lastTransitionTime"]!.GetValue<string>(),
            CultureInfo.InvariantCulture);
        return (int)(ready - created).TotalSeconds;
    }
}
