using System.Globalization;
using System.Net;
using System.Text.Json;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Verify.Prometheus;

/// <summary>
/// What the Prometheus check will rely on, shown against the pinned real Prometheus 2.42 (Debian's build) scraping
/// <see cref="ExpositionEndpoint"/> every second: a ratio of rates is one sample with a decimal string value, a metric
/// nobody exposes is an empty vector (its <c>sum</c> and <c>rate</c> too: never 0), an idle service's error ratio is
/// the string "NaN", and a scrape path is requested as written, colon included.
/// </summary>
public sealed class RealPrometheusTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
{
    private const string ErrorRatio =
        "sum(rate(http_requests_total{job=\"app\",code=~\"5..\"}[1m])) / sum(rate(http_requests_total{job=\"app\"}[1m]))";

    private const string EmptyVector = """{"status":"success","data":{"resultType":"vector","result":[]}}""";

    private PrometheusServer Prometheus => fixture.Prometheus;

    [Fact]
    public async Task ARatioOfSummedRates_IsOneLabelFreeSample_WithANumberTimestampAndADecimalStringValue()
    {
        // Arrange: a scrape of the counters as they are, then 90 more 200s and 10 more 500s, scraped too.
        var app = fixture.App;
        var before500 = app.Requests("500");
        await Prometheus.WaitForSamplesAsync(Series("500") + " == " + Number(before500));
        app.Count("200", 90);
        app.Count("500", 10);
        await Prometheus.WaitForSamplesAsync(Series("500") + " == " + Number(before500 + 10));

        // Act
        var json = await Prometheus.QueryAsync(ErrorRatio);

        // Assert
        var sample = SingleSample(json, "vector");
        sample.GetProperty("metric").EnumerateObject().Should().BeEmpty("sum() drops every label");
        var value = sample.GetProperty("value");
        value[0].ValueKind.Should().Be(JsonValueKind.Number, "the timestamp is unix seconds as a JSON number");
        value[0].GetDouble().Should().BeApproximately(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, 60);
        value[1].ValueKind.Should().Be(JsonValueKind.String, "sample values are always JSON strings");
        var ratio = double.Parse(value[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
        // Both series come from the same scrapes, so rate()'s extrapolation scales both alike: 10 of 100 requests.
        ratio.Should().BeApproximately(0.1, 0.02, json);
    }

    [Theory]
    [InlineData("never_exposed_total")]
    [InlineData("sum(never_exposed_total)")]
    [InlineData("sum(rate(never_exposed_total[1m]))")]
    [InlineData("sum(rate(never_exposed_total{code=~\"5..\"}[1m])) / sum(rate(never_exposed_total[1m]))")]
    [InlineData("sum(rate(http_requests_total{job=\"app\",code=\"404\"}[1m]))")]
    public async Task AMetricNobodyExposes_IsAnEmptyVector_NotZero_EvenUnderSumAndRate(string query)
    {
        // Arrange: the target has been scraped, so the emptiness is the metric's, not a Prometheus that saw nothing yet.
        await Prometheus.WaitForSamplesAsync("up{job=\"app\"} == 1");

        // Act
        var json = await Prometheus.QueryAsync(query);

        // Assert
        json.Should().Be(EmptyVector);
    }

    [Fact]
    public async Task AnIdleServicesErrorRatio_IsZeroOverZero_AndComesBackAsTheStringNaN()
    {
        // Arrange: two scrapes of counters that never move, so both rates are 0.
        await Prometheus.WaitForSamplesAsync("idle_requests_total{job=\"app\",code=\"500\"}[1m]", minSamples: 2);

        // Act
        var json = await Prometheus.QueryAsync(
            "sum(rate(idle_requests_total{job=\"app\",code=~\"5..\"}[1m])) / sum(rate(idle_requests_total{job=\"app\"}[1m]))");

        // Assert: a sample, not an empty vector; its value is the JSON string "NaN".
        SingleSample(json, "vector").GetProperty("value")[1].GetString().Should().Be("NaN", json);
    }

    [Theory]
    [InlineData("0/0", "scalar", "NaN")]
    [InlineData("1/0", "scalar", "+Inf")]
    [InlineData("-1/0", "scalar", "-Inf")]
    [InlineData("vector(0)/vector(0)", "vector", "NaN")]
    [InlineData("vector(1)/vector(0)", "vector", "+Inf")]
    [InlineData("vector(0.0000001)", "vector", "1e-07")]
    [InlineData("vector(0.5)", "vector", "0.5")]
    public async Task ValuesAreSpelledAsGoFormatsThem_SpecialFloatsIncluded(string query, string resultType, string expected)
    {
        var json = await Prometheus.QueryAsync(query);

        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data");
        data.GetProperty("resultType").GetString().Should().Be(resultType);
        // A scalar's result is the [time, "value"] pair itself; a vector's is a list of samples.
        var pair = resultType == "scalar" ? data.GetProperty("result") : data.GetProperty("result")[0].GetProperty("value");
        pair[1].GetString().Should().Be(expected, json);
    }

    [Fact]
    public async Task AQueryThatDoesNotParse_Answers400_BadData_WithTheParametersName()
    {
        using var http = new HttpClient { BaseAddress = Prometheus.BaseAddress };
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", "sum(rate(x[1m])")]);

        using var response = await http.PostAsync(new Uri("api/v1/query", UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var document = JsonDocument.Parse(body);
        document.RootElement.GetProperty("status").GetString().Should().Be("error");
        document.RootElement.GetProperty("errorType").GetString().Should().Be("bad_data");
        document.RootElement.GetProperty("error").GetString().Should().StartWith("invalid parameter \"query\": ", body);
    }

    [Fact]
    public async Task AServiceProxyMetricsPath_IsScrapedAsWritten_ItsColonUnescaped()
    {
        await Prometheus.WaitForSamplesAsync("up{job=\"proxied\"} == 1");

        fixture.App.Paths.Should().Contain(PrometheusFixture.ProxyPath);
        var json = await Prometheus.QueryAsync("http_requests_total{job=\"proxied\",code=\"200\"}");
        SingleSample(json, "vector").GetProperty("metric").GetProperty("instance").GetString()
            .Should().Be(fixture.App.BaseAddress.Authority, "the instance label is the static target, host:port");
    }

    private static string Series(string code) => $"http_requests_total{{job=\"app\",code=\"{code}\"}}";

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static JsonElement SingleSample(string json, string resultType)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        root.GetProperty("status").GetString().Should().Be("success", json);
        root.GetProperty("data").GetProperty("resultType").GetString().Should().Be(resultType, json);
        var result = root.GetProperty("data").GetProperty("result");
        result.GetArrayLength().Should().Be(1, json);
        return result[0].Clone();
    }
}
