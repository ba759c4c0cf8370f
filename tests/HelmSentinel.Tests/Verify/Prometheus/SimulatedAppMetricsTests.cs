using System.Text.Json.Nodes;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify.Prometheus;

/// <summary>
/// The real parts together, as the Prometheus check will meet them: the real Prometheus scrapes simulated apps through
/// the simulator's service proxy, and the error ratio it computes from their <c>/metrics</c> follows the apps'
/// behaviour (the simulator's synthetic traffic, 10 requests a second, keeps the counters moving).
/// </summary>
public sealed class SimulatedAppMetricsTests
{
    private const string ErrorRatio =
        "sum(rate(http_requests_total{job=\"JOB\",code=~\"5..\"}[20s])) / sum(rate(http_requests_total{job=\"JOB\"}[20s]))";

    [Fact]
    public async Task AnAppFailing30PercentOfRequests_HasAnErrorRatioNear0Point3_AndAHealthyOne0()
    {
        // Arrange: one pod a Service (a Service's proxy picks a pod per request; with one pod every scrape sees it).
        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        App(simulator, "flaky", "sim.local/http-500-30");
        App(simulator, "healthy", "nginx:1.25.0");
        await using var prometheus = await PrometheusServer.StartAsync(
        [
            ScrapeTarget.ServiceProxy("flaky", simulator.BaseAddress, "default", "flaky", "http"),
            ScrapeTarget.ServiceProxy("healthy", simulator.BaseAddress, "default", "healthy", "http"),
        ]);
        using var http = new HttpClient();
        var query = new PrometheusQuery(http, prometheus.BaseAddress);

        // Act: once each job has enough scrapes for a rate.
        foreach (var job in new[] { "flaky", "healthy" })
        {
            await prometheus.WaitForSamplesAsync($"http_requests_total{{job=\"{job}\",code=\"200\"}}[20s]", minSamples: 4, patience: TimeSpan.FromSeconds(60));
        }

        var flaky = await query.QueryAsync(ErrorRatio.Replace("JOB", "flaky", StringComparison.Ordinal));
        var healthy = await query.QueryAsync(ErrorRatio.Replace("JOB", "healthy", StringComparison.Ordinal));

        // Assert
        flaky.Kind.Should().Be(PrometheusAnswerKind.Sample, flaky.ToString());
        flaky.Value.Should().BeApproximately(0.3, 0.05);
        healthy.Kind.Should().Be(PrometheusAnswerKind.Empty, "a healthy app has no 5xx series at all, so the ratio's numerator is empty: " + healthy);
    }

    private static void App(KubeSimulator simulator, string app, string image)
    {
        simulator.Store.Create(ResourceTypes.Pods, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Pod",
              "metadata": { "name": "{{app}}-1", "labels": { "app": "{{app}}" } },
              "spec": { "containers": [ { "name": "web", "image": "{{image}}", "ports": [{ "name": "http", "containerPort": 8080 }] } ] }
            }
            """)!.AsObject());
        simulator.Store.Create(ResourceTypes.Services, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Service",
              "metadata": { "name": "{{app}}" },
              "spec": { "selector": { "app": "{{app}}" }, "ports": [{ "name": "http", "port": 80, "targetPort": "http" }] }
            }
            """)!.AsObject());
    }
}
