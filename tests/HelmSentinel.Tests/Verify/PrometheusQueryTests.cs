using System.Net;
using System.Net.Sockets;
using HelmSentinel.Tests.Verify.Prometheus;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary>
/// <see cref="PrometheusQuery"/> against the pinned real Prometheus (one per class, scraping an
/// <see cref="ExpositionEndpoint"/>), and its reading of answers a live server does not give on demand.
/// </summary>
public sealed class PrometheusQueryTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
{
    private PrometheusQuery Query(HttpClient http, string? token = null) => new(http, fixture.Prometheus.BaseAddress, token);

    [Fact]
    public async Task AnErrorRatio_IsOneSample_WithItsValue()
    {
        // Arrange: the 500s the test adds are scraped before the query.
        var app = fixture.App;
        var series = "http_requests_total{job=\"app\",code=\"500\"}";
        var before = app.Requests("500");
        await fixture.Prometheus.WaitForSamplesAsync($"{series} == {before}");
        app.Count("200", 70);
        app.Count("500", 30);
        await fixture.Prometheus.WaitForSamplesAsync($"{series} == {before + 30}");
        using var http = new HttpClient();

        // Act
        var answer = await Query(http).QueryAsync(
            "sum(increase(http_requests_total{job=\"app\",code=~\"5..\"}[1m])) / sum(increase(http_requests_total{job=\"app\"}[1m]))");

        // Assert: the share of 500s among the requests of the last minute, whatever the fixture counted before.
        answer.Kind.Should().Be(PrometheusAnswerKind.Sample, answer.ToString());
        answer.Value.Should().BeInRange(0.05, 0.6);
    }

    [Theory]
    [InlineData("sum(rate(never_exposed_total[1m]))", PrometheusAnswerKind.Empty, "an empty result (no series matched)")]
    [InlineData("http_requests_total{job=~\"app|proxied\",code=\"200\"}", PrometheusAnswerKind.Several, "2 series (aggregate the query to one number, with sum or max)")]
    [InlineData("0/0", PrometheusAnswerKind.Sample, "NaN")]
    [InlineData("vector(1)/vector(0)", PrometheusAnswerKind.Sample, "+Inf")]
    [InlineData("scalar(vector(0.25))", PrometheusAnswerKind.Sample, "0.25")]
    [InlineData("http_requests_total{job=\"app\",code=\"200\"}[1m]", PrometheusAnswerKind.Invalid, "the query returns a range (matrix); a check needs an instant vector or a scalar")]
    public async Task EachShapeOfAnswer_IsReadAsTheCheckNeedsIt(string promql, PrometheusAnswerKind kind, string described)
    {
        // Both jobs scraped at least once (each is scraped on its own schedule).
        await fixture.Prometheus.WaitForSamplesAsync("up == 1", minSamples: 2);
        using var http = new HttpClient();

        var answer = await Query(http).QueryAsync(promql);

        answer.Kind.Should().Be(kind, answer.ToString());
        answer.ToString().Should().Be(described);
    }

    [Fact]
    public async Task AQueryThatDoesNotParse_IsInvalid_WithPrometheusOwnWords()
    {
        using var http = new HttpClient();

        var answer = await Query(http).QueryAsync("sum(rate(x[1m])");

        answer.Kind.Should().Be(PrometheusAnswerKind.Invalid);
        answer.Message.Should().StartWith("bad_data: invalid parameter \"query\": ");
    }

    [Fact]
    public async Task AServerNobodyListensOn_IsUnavailable_NotAnException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();

        var answer = await new PrometheusQuery(http, new Uri($"http://127.0.0.1:{port}/")).QueryAsync("up");

        answer.Kind.Should().Be(PrometheusAnswerKind.Unavailable);
        answer.Message.Should().StartWith("Prometheus could not be reached: ");
    }

    [Fact]
    public async Task TheBearerToken_IsSentAsTheAuthorizationHeader()
    {
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);

        await new PrometheusQuery(http, new Uri("http://prometheus.invalid/"), "tok-en").QueryAsync("up");

        recorder.Authorization.Should().Be("Bearer tok-en");
        recorder.Body.Should().Be("query=up");
        recorder.Path.Should().Be("/api/v1/query");
    }

    [Theory]
    [InlineData(503, "Service Unavailable", PrometheusAnswerKind.Unavailable, "HTTP 503: Service Unavailable")]
    [InlineData(503, """{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}""", PrometheusAnswerKind.Unavailable, "timeout: query timed out in expression evaluation")]
    [InlineData(422, """{"status":"error","errorType":"execution","error":"vector cannot contain metrics with the same labelset"}""", PrometheusAnswerKind.Invalid, "execution: vector cannot contain metrics with the same labelset")]
    [InlineData(200, """{"status":"success","data":{"resultType":"string","result":[1,"x"]}}""", PrometheusAnswerKind.Invalid, "the query returns a string; a check needs a number")]
    [InlineData(200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"-Inf"]}]}}""", PrometheusAnswerKind.Sample, "-Inf")]
    [InlineData(200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1e-07"]}]}}""", PrometheusAnswerKind.Sample, "1e-07")]
    [InlineData(502, "<html>bad gateway</html>", PrometheusAnswerKind.Unavailable, "HTTP 502: <html>bad gateway</html>")]
    public void AnswersALiveServerDoesNotGiveOnDemand_AreReadToo(int status, string body, PrometheusAnswerKind kind, string described)
    {
        var answer = PrometheusQuery.Read((HttpStatusCode)status, body);

        answer.Kind.Should().Be(kind);
        answer.ToString().Should().Be(described);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string? Body { get; private set; }

        public string? Path { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            Path = request.RequestUri!.AbsolutePath;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"status":"success","data":{"resultType":"vector","result":[]}}"""),
            };
        }
    }
}
