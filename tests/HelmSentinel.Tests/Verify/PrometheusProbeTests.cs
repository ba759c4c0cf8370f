using System.Net;
using System.Net.Sockets;
using HelmSentinel.Tests.Verify.Prometheus;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary>The Prometheus probe against the pinned real Prometheus scraping an <see cref="ExpositionEndpoint"/>.</summary>
public sealed class PrometheusProbeTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>, IDisposable
{
    private const string Errors500 = "sum(http_requests_total{job=\"app\",code=\"500\"})";

    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheBaseline_IsTheQueryBeforeTheUpgrade_AndLaterSamplesAreJudgedAgainstIt()
    {
        // Arrange: the baseline is the 500s counted so far; then 10 more are scraped.
        var app = fixture.App;
        var before = app.Requests("500");
        await fixture.Prometheus.WaitForSamplesAsync($"{Errors500} == {before}");
        var strict = Probe(Errors500, "result <= baseline");
        var lenient = Probe(Errors500, "result <= baseline + 10");

        // Act
        var baseline = await strict.CaptureBaselineAsync(CancellationToken.None);
        await lenient.CaptureBaselineAsync(CancellationToken.None);
        app.Count("500", 10);
        await fixture.Prometheus.WaitForSamplesAsync($"{Errors500} == {before + 10}");
        var failed = await strict.SampleAsync(CancellationToken.None);
        var passed = await lenient.SampleAsync(CancellationToken.None);

        // Assert
        baseline.Should().Be(before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        strict.BaselineValue.Should().Be(before);
        failed.Should().Be(new CheckSample(SampleKind.Failed, (before + 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{before + 10} > baseline {before}"));
        passed.Kind.Should().Be(SampleKind.Passed, passed.Message);
    }

    [Fact]
    public async Task WithoutABaseline_AConditionThatNeedsIt_IsInconclusive()
    {
        var sample = await Probe("scalar(vector(0.5))", "result < 0.01 || result <= baseline * 1.2").SampleAsync(CancellationToken.None);

        sample.Should().Be(new CheckSample(SampleKind.Inconclusive, "0.5", "0.5 >= 0.01 and no baseline for result <= baseline * 1.2"));
    }

    [Theory]
    [InlineData(EmptyResultPolicy.Inconclusive, SampleKind.Inconclusive, "the query returned no series")]
    [InlineData(EmptyResultPolicy.Fail, SampleKind.Failed, "the query returned no series (onEmpty: fail)")]
    [InlineData(EmptyResultPolicy.Pass, SampleKind.Passed, "the query returned no series (onEmpty: pass)")]
    public async Task AnEmptyResult_FollowsOnEmpty_AndGivesNoBaseline(EmptyResultPolicy onEmpty, SampleKind kind, string message)
    {
        await fixture.Prometheus.WaitForSamplesAsync("up{job=\"app\"} == 1");
        var probe = Probe("sum(rate(never_exposed_total[1m]))", "result < 1", onEmpty);

        var baseline = await probe.CaptureBaselineAsync(CancellationToken.None);
        var sample = await probe.SampleAsync(CancellationToken.None);

        baseline.Should().BeNull();
        probe.BaselineAnswer!.Kind.Should().Be(PrometheusAnswerKind.Empty);
        sample.Should().Be(new CheckSample(kind, null, message));
    }

    [Fact]
    public async Task NaN_IsAnEmptyResult_ForOnEmpty()
    {
        var sample = await Probe("0/0", "result < 1", EmptyResultPolicy.Fail).SampleAsync(CancellationToken.None);

        sample.Should().Be(new CheckSample(SampleKind.Failed, "NaN", "the query returned NaN (0/0: no traffic to judge?) (onEmpty: fail)"));
    }

    [Fact]
    public async Task SeveralSeries_AreInconclusive_SayingToAggregate()
    {
        await fixture.Prometheus.WaitForSamplesAsync("up == 1", minSamples: 2);

        var sample = await Probe("http_requests_total{job=~\"app|proxied\",code=\"200\"}", "result > 0").SampleAsync(CancellationToken.None);

        sample.Should().Be(new CheckSample(SampleKind.Inconclusive, null, "the query returns 2 series: aggregate it (sum, max)"));
    }

    [Fact]
    public async Task AQueryThatCannotBeEvaluated_Fails_AndSaysSoBeforeTheUpgrade()
    {
        var probe = Probe("sum(", "result > 0");

        await probe.CaptureBaselineAsync(CancellationToken.None);
        var sample = await probe.SampleAsync(CancellationToken.None);

        probe.BaselineAnswer!.Kind.Should().Be(PrometheusAnswerKind.Invalid);
        sample.Kind.Should().Be(SampleKind.Failed);
        sample.Message.Should().StartWith("the query cannot be evaluated: bad_data: ");
    }

    [Fact]
    public async Task AnUnreachablePrometheus_IsAnError_AndTheTokenIsNeverInTheMessage()
    {
        var query = new PrometheusQuery(_http, new Uri($"http://127.0.0.1:{FreePort()}/"), "s3cr3t-token");
        var probe = CheckProbes.Prometheus(Check("sum(up)", "result > 0"), query);

        var baseline = await probe.CaptureBaselineAsync(CancellationToken.None);
        var sample = await probe.SampleAsync(CancellationToken.None);

        baseline.Should().BeNull();
        sample.Kind.Should().Be(SampleKind.Error);
        sample.Message.Should().StartWith("Prometheus could not be reached: ").And.NotContain("s3cr3t");
    }

    private static PrometheusCheck Check(string query, string condition, EmptyResultPolicy onEmpty = EmptyResultPolicy.Inconclusive) => new()
    {
        Name = "error-rate",
        Url = new Uri("http://prometheus.invalid:9090"),
        Query = query,
        SuccessCondition = Condition.Parse(condition).Condition!,
        OnEmpty = onEmpty,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private PrometheusProbe Probe(string query, string condition, EmptyResultPolicy onEmpty = EmptyResultPolicy.Inconclusive) =>
        CheckProbes.Prometheus(Check(query, condition, onEmpty), new PrometheusQuery(_http, fixture.Prometheus.BaseAddress));
}
