using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using HelmSentinel.Verify;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The verification phase end to end, at both Helm majors, with the real helm against the simulator: a release whose
/// pods are Ready but answer 500, or whose error rate a real Prometheus sees rise, is rolled back after Ready; a
/// healthy one passes its bake; a bad verify document changes nothing.
/// </summary>
public sealed class VerificationScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>, IDisposable
{
    private readonly RecordingLog _log = new();
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ReadyPodsAnswering500_AreRolledBackByTheHttpCheck_AndAHealthyReleasePassesItsBake(int major)
    {
        var release = TestNames.Release([major]);
        var verify = Document(release, $"""
            bake: 4s
            interval: 1s
            checks:
              - name: healthz
                http:
                  service: {release}:http
                  path: /healthz
                  expectStatus: [200]
                  bodyContains: '"status":"ok"'
                failureLimit: 1
            """);
        var engine = cluster.Engine(_log);

        var first = await engine.DeployAsync(Request(major, release, verify));

        first.Result.Should().Be(DeployResult.Succeeded, first.FailureReason);
        first.Verification!.Verdict.Should().Be(VerificationVerdict.Passed);
        var healthz = first.Verification.Checks.Should().ContainSingle().Subject;
        healthz.Verdict.Should().Be(CheckVerdict.Passed);
        healthz.Samples.Should().BeGreaterThanOrEqualTo(5, "sampled at the start, every second of the 4 s bake and at its end");
        healthz.Failures.Should().Be(0);

        var broken = await engine.DeployAsync(Request(major, release, verify, "image.repository=sim.local/http-500"));

        broken.Result.Should().Be(DeployResult.RolledBack, broken.FailureReason);
        broken.ExitCode.Should().Be(1);
        broken.AttemptedRevision.Should().Be(2);
        broken.RestoredRevision.Should().Be(3);
        broken.FailureReason.Should().StartWith("verification failed: healthz: ").And.Contain("500");
        broken.Verification!.Verdict.Should().Be(VerificationVerdict.Failed);
        broken.Verification.FailedCheck.Should().Be("healthz");
        broken.Verification.Checks[0].Failures.Should().Be(2, "failureLimit 1 tolerates one failure; the second ends the bake at once");
        broken.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Superseded, ReleaseStatus.Deployed);
        broken.Timeline.Select(t => t.What).Should().ContainInOrder("deployed at revision 2", "verification started", "check healthz failed");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment runs v1's template again, with no pod of the one answering 500 left");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AnErrorRateThatRisesAfterTheUpgrade_FailsThePrometheusCheckAgainstItsBaseline(int major)
    {
        // Arrange: a real Prometheus scraping the release's Service through the simulator's proxy (one replica, so every
        // scrape reaches the pod that serves).
        var release = TestNames.Release([major]);
        await using var prometheus = await PrometheusServer.StartAsync(
            [ScrapeTarget.ServiceProxy("web", cluster.Simulator.BaseAddress, release, release, "http")]);
        var verify = Document(release, $$"""
            bake: 20s
            interval: 2s
            inconclusive: pass
            checks:
              - name: error-rate
                prometheus:
                  url: {{prometheus.BaseAddress}}
                  query: (sum(rate(http_requests_total{job="web",code=~"5.."}[6s])) or vector(0)) / sum(rate(http_requests_total{job="web"}[6s]))
                successCondition: result < 0.05 || result <= baseline * 1.2
            """);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release, null, "replicaCount=1"))).Result.Should().Be(DeployResult.Succeeded);
        await prometheus.WaitForSamplesAsync("sum(rate(http_requests_total{job=\"web\"}[6s])) > 0", patience: TimeSpan.FromSeconds(60));

        // Act: an upgrade whose pod fails 30 % of its requests.
        var outcome = await engine.DeployAsync(Request(major, release, verify, "replicaCount=1", "image.repository=sim.local/http-500-30"));

        // Assert
        outcome.Result.Should().Be(DeployResult.RolledBack, outcome.FailureReason);
        outcome.Verification!.FailedCheck.Should().Be("error-rate");
        var check = outcome.Verification.Checks.Should().ContainSingle().Subject;
        check.Baseline.Should().Be("0", "the baseline is the same query before the upgrade, when nothing failed");
        outcome.FailureReason.Should().StartWith("verification failed: error-rate: ").And.Contain("baseline 0");
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"), "v1 serves again");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AHealthyReleaseWithEveryKindOfCheck_PassesItsBake_ThroughPassingApiErrors_AtAnErrorRateEqualToItsBaseline(int major)
    {
        // Arrange: v1 already fails 30 % of its requests; Prometheus scrapes it on the Service's metrics port, so that the
        // faults below, on the http port, reach only the HTTP check.
        var release = TestNames.Release([major]);
        string[] app = ["replicaCount=1", "image.repository=sim.local/http-500-30", "metricsPort=9100", "tests.enabled=true"];
        await using var prometheus = await PrometheusServer.StartAsync(
            [ScrapeTarget.ServiceProxy("web", cluster.Simulator.BaseAddress, release, release, "metrics")]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(cluster.Request(major, release, app))).Result.Should().Be(DeployResult.Succeeded);
        var ratio = "(sum(rate(http_requests_total{job=\"web\",code=~\"5..\"}[6s])) or vector(0)) / sum(rate(http_requests_total{job=\"web\"}[6s]))";
        // Between 0.2 and 0.45: a series appears with its first request (as with any labelled counter), so for the first
        // seconds the ratio may be 1, when the 500 series has two samples in the window and the 200 series not yet.
        await prometheus.WaitForSamplesAsync($"({ratio}) > 0.2 < 0.45", patience: TimeSpan.FromSeconds(60));
        var verify = Document(release, $$"""
            bake: 8s
            interval: 1s
            checks:
              - name: smoke
                helmTest: { timeout: 1m }
              - name: metrics-endpoint
                http:
                  service: {{release}}:http
                  path: /metrics
                  bodyContains: http_requests_total
                consecutiveErrorLimit: 3
              - name: error-rate
                prometheus:
                  url: {{prometheus.BaseAddress}}
                  query: {{ratio}}
                successCondition: result < 0.05 || result <= baseline * 1.2
            """);

        // Two answers of the API server itself (503 Status) to the HTTP check, one after the other: errors, not failures.
        var fault = cluster.Simulator.Faults.Add(new HelmSentinel.Simulator.Faults.FaultRule
        {
            Kind = HelmSentinel.Simulator.Faults.FaultKind.Status,
            Code = 503,
            Path = $"/api/v1/namespaces/{release}/services/{release}:http/proxy/*",
            ForRequests = 2,
        });

        // Act: the same app under a new tag, so its error rate stays what it was.
        var outcome = await engine.DeployAsync(Request(major, release, verify, [.. app, "image.tag=1.26.0"]));

        // Assert
        cluster.Simulator.Faults.Remove(fault.Id!);
        outcome.Result.Should().Be(DeployResult.Succeeded, outcome.FailureReason);
        outcome.Verification!.Verdict.Should().Be(VerificationVerdict.Passed);
        outcome.Verification.Checks.Select(c => (c.Name, c.Verdict)).Should().Equal(
            ("smoke", CheckVerdict.Passed), ("metrics-endpoint", CheckVerdict.Passed), ("error-rate", CheckVerdict.Passed));
        var http = outcome.Verification.Checks[1];
        http.Errors.Should().Be(2, "the API server's two 503s were errors, under the consecutiveErrorLimit");
        http.Failures.Should().Be(0);
        var rate = outcome.Verification.Checks[2];
        double.Parse(rate.Baseline!, System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(0.3, 0.1, "the baseline is v1's error rate");
        outcome.History[^1].Status.Should().Be(ReleaseStatus.Deployed);
        outcome.History[^1].Revision.Should().Be(2);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ABadVerifyDocument_IsRejectedBeforeAnythingChanges_NamingTheCheckAndTheField(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(cluster.Request(major, release))).Result.Should().Be(DeployResult.Succeeded);
        var before = cluster.Simulator.Store.List(HelmSentinel.Simulator.Storage.ResourceTypes.Secrets, release).Count;
        var unset = "HELM_SENTINEL_TEST_UNSET_" + major;
        Environment.SetEnvironmentVariable(unset, null);
        (string Class, string Document, string[] Named)[] bad =
        [
            ("unknown kind", "checks:\n  - name: ping\n    icmp: { host: web }\n", ["ping", "icmp"]),
            ("bad duration", "bake: 5x\nchecks:\n  - name: up\n    http: { url: 'http://a.example/' }\n", ["bake", "'5x' is not a positive duration"]),
            ("condition", "checks:\n  - name: error-rate\n    prometheus: { url: 'http://p.example/', query: up }\n    successCondition: result < < 1\n", ["error-rate", "successCondition", "column"]),
            ("service without a port", "checks:\n  - name: healthz\n    http: { service: web, path: /healthz }\n", ["healthz", "http.service", "has no port"]),
            ("URL not http/https", "checks:\n  - name: files\n    http: { url: 'ftp://files.example/x' }\n", ["files", "http.url", "not an http or https URL"]),
            ("token variable not set", $"checks:\n  - name: rate\n    prometheus: {{ url: 'http://p.example/', query: up, bearerTokenSecret: {unset} }}\n    successCondition: result < 1\n", ["rate", "bearerTokenSecret", unset]),
        ];

        foreach (var (errorClass, document, named) in bad)
        {
            var outcome = await engine.DeployAsync(Request(major, release, Document(release, document), "image.tag=1.27.0"));

            outcome.Result.Should().Be(DeployResult.Rejected, errorClass);
            outcome.ExitCode.Should().Be(3, errorClass);
            outcome.FailureReason.Should().Contain("verify: ", errorClass);
            foreach (var part in named)
            {
                outcome.FailureReason.Should().Contain(part, $"the {errorClass} error names the check and the field");
            }

            outcome.History.Should().ContainSingle($"nothing was upgraded ({errorClass})").Which.Status.Should().Be(ReleaseStatus.Deployed);
            cluster.Simulator.Store.List(HelmSentinel.Simulator.Storage.ResourceTypes.Secrets, release).Should().HaveCount(before, $"no release Secret was written ({errorClass})");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AFailingHelmTest_RollsTheUpgradeBack_NamingTheTestAndItsLastWords(int major)
    {
        var release = TestNames.Release([major]);
        var verify = Document(release, """
            bake: 1s
            interval: 1s
            checks:
              - name: smoke
                helmTest: { timeout: 1m }
            """);
        var engine = cluster.Engine(_log);

        var first = await engine.DeployAsync(Tested(major, release, verify));

        first.Result.Should().Be(DeployResult.Succeeded, first.FailureReason);
        first.Verification!.Checks.Should().ContainSingle().Which.Verdict.Should().Be(CheckVerdict.Passed);

        var broken = await engine.DeployAsync(Tested(major, release, verify, "smoke.image=sim.local/crash", "greeting=broken"));

        broken.Result.Should().Be(DeployResult.RolledBack, broken.FailureReason);
        broken.Verification!.FailedCheck.Should().Be("smoke");
        broken.Verification.Checks[0].Samples.Should().Be(1, "helm test runs once, at the start of the bake");
        broken.FailureReason.Should().StartWith($"verification failed: smoke: helm test {release}-smoke failed");
        broken.FailureReason.Should().StartWith($"verification failed: smoke: helm test {release}-smoke failed; last log line: ")
            .And.EndWith("fatal: unrecoverable error, exiting (exit code 1)", "the pod's log is followed while it runs: Helm 3.17's delete at once cannot cut it");

        broken.RestoredRevision.Should().Be(3);
        cluster.Simulator.Store.Get(HelmSentinel.Simulator.Storage.ResourceTypes.ConfigMaps, release, release + "-config")?["data"]?["greeting"]?.GetValue<string>()
            .Should().Be("hello", "v1's ConfigMap is back");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACancelledBake_StopsTheChecks_AndLeavesTheReleaseDeployedWithoutALock(int major)
    {
        var release = TestNames.Release([major]);
        var verify = Document(release, $"""
            bake: 10m
            interval: 1s
            checks:
              - name: healthz
                http:
                  service: {release}:http
                  path: /healthz
            """);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(cluster.Request(major, release))).Result.Should().Be(DeployResult.Succeeded);
        using var cancel = new CancellationTokenSource();
        bool Probed() => cluster.Simulator.RequestLog.Any(r => r.Contains($"/namespaces/{release}/services/{release}:http/proxy/healthz", StringComparison.Ordinal));

        var deploy = engine.DeployAsync(Request(major, release, verify, "image.tag=1.27.0"), cancel.Token);
        await WaitUntilAsync(Probed, "the bake has sampled the check", TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();
        var outcome = await deploy;

        outcome.Verification!.Verdict.Should().Be(VerificationVerdict.Cancelled);
        outcome.Warnings.Should().Contain(w => w.StartsWith("the verification was cancelled", StringComparison.Ordinal) && w.Contains("revision 2 stays deployed", StringComparison.Ordinal));
        outcome.History.Select(h => h.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Deployed);
        await WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.27.0"), "the new revision stays, Ready");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AVerifiedRollback_ProvesTheRestoredRevision_AndOneThatFailsItsChecksToo_EndsRollbackFailed(int major)
    {
        // A dependency outside the release, which the test breaks: what a rollback does not bring back.
        var dependencyDown = false;
        var asked = 0;
        await using var dependency = await LocalHttpServer.StartAsync(http =>
        {
            Interlocked.Increment(ref asked);
            http.Response.StatusCode = Volatile.Read(ref dependencyDown) ? 503 : 200;
            return Task.CompletedTask;
        });
        var release = TestNames.Release([major]);
        var verify = Document(release, $"""
            bake: 3s
            interval: 1s
            checks:
              - name: healthz
                http:
                  service: {release}:http
                  path: /healthz
                  expectStatus: [200]
              - name: dependency
                http:
                  url: {dependency.BaseAddress}db
                  expectStatus: [200]
            """);
        var engine = cluster.Engine(_log);
        (await engine.DeployAsync(Request(major, release, verify) with { VerifyRollback = true })).Result.Should().Be(DeployResult.Succeeded);

        var broken = await engine.DeployAsync(Request(major, release, verify, "image.repository=sim.local/http-500") with { VerifyRollback = true });

        broken.Result.Should().Be(DeployResult.RolledBack, broken.FailureReason);
        broken.Verification!.FailedCheck.Should().Be("healthz");
        broken.RollbackVerification!.Verdict.Should().Be(VerificationVerdict.Passed, "revision 3 is v1 again, and v1 answers 200");
        broken.RollbackVerification.Checks.Should().OnlyContain(c => c.Verdict == CheckVerdict.Passed && c.Samples >= 3);
        broken.Timeline.Select(t => t.What).Should().ContainInOrder(
            "check healthz failed", "restored revision 1 as revision 3", "restored revision 3: verification started", "restored revision 3: verification passed");

        Volatile.Write(ref dependencyDown, true);
        var stranded = await engine.DeployAsync(Request(major, release, verify, "greeting=v3") with { VerifyRollback = true });

        stranded.Result.Should().Be(DeployResult.RollbackFailed, stranded.FailureReason);
        stranded.ExitCode.Should().Be(2);
        stranded.Verification!.FailedCheck.Should().Be("dependency");
        stranded.RestoredRevision.Should().Be(5);
        stranded.RollbackVerification!.Verdict.Should().Be(VerificationVerdict.Failed);
        stranded.RollbackVerification.FailedCheck.Should().Be("dependency");
        stranded.FailureReason.Should().StartWith("verification failed: dependency: ").And.Contain("; restored revision 5 failed its verification too: dependency: ");
        stranded.History.Select(h => (h.Revision, h.Status)).Should().EndWith((5, ReleaseStatus.Deployed), "the last good revision stays: there is no better one");
        var report = HelmSentinel.Reporting.MarkdownReport.Render(stranded, SecretMasker.None);
        report.Should().Contain("#### Verification of restored revision 5").And.Contain("fix that dependency");
        cluster.Simulator.Store.Get(HelmSentinel.Simulator.Storage.ResourceTypes.ConfigMaps, release, release + "-config")?["data"]?["greeting"]?.GetValue<string>()
            .Should().Be("hello", "v1's ConfigMap is back, whatever its checks say");
        Volatile.Read(ref asked).Should().BeGreaterThan(10, "each of the five bakes asked the dependency");
    }

    private DeployRequest Tested(int major, string release, string verify, params string[] set) =>
        Request(major, release, verify, set) with { Chart = Tools.Chart("fixture-tested") };

    private string Document(string release, string yaml)
    {
        var path = Path.Combine(_home.Root, release + ".verify.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private DeployRequest Request(int major, string release, string? verify, params string[] set) =>
        cluster.Request(major, release, set) with { VerifyFile = verify };
}
