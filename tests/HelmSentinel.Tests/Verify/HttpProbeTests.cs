using System.Net;
using System.Net.Sockets;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary>The HTTP probe against a real Kestrel app on the loopback (<see cref="HttpTestApp"/>).</summary>
public sealed class HttpProbeTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private HttpTestApp _app = null!;

    public async Task InitializeAsync() => _app = await HttpTestApp.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task AnExpectedStatus_WithTheTextInItsBody_Passes()
    {
        var sample = await Sample(Check("/healthz") with { BodyContains = "\"status\":\"ok\"" });

        sample.Should().Be(new CheckSample(SampleKind.Passed, "200", "GET /healthz answered 200"));
    }

    [Fact]
    public async Task AnUnexpectedStatus_Fails_NamingTheExpectedOnes()
    {
        var sample = await Sample(Check("/broken") with { ExpectStatus = [new ExpectedStatus(200, 200), new ExpectedStatus(300, 399)] });

        sample.Should().Be(new CheckSample(SampleKind.Failed, "500", "GET /broken answered 500 (expected 200, 3xx)"));
    }

    [Fact]
    public async Task ABodyWithoutTheText_Fails()
    {
        var sample = await Sample(Check("/text") with { BodyContains = "\"status\":\"ok\"" });

        sample.Should().Be(new CheckSample(SampleKind.Failed, "200", "GET /text answered 200 without \"\"status\":\"ok\"\" in its body"));
    }

    [Fact]
    public async Task TheApiServersOwn503_IsAnError_NotTheAppFailing()
    {
        var sample = await Sample(Check("/no-endpoints") with { BodyContains = "ok" });

        sample.Should().Be(new CheckSample(SampleKind.Error, "503",
            "GET /no-endpoints: the API server answered 503: no endpoints available for service \"web\""));
    }

    [Fact]
    public async Task ARequestPastItsTimeout_IsAnError()
    {
        var sample = await Sample(Check("/slow") with { Timeout = TimeSpan.FromMilliseconds(200) });

        sample.Should().Be(new CheckSample(SampleKind.Error, null, "GET /slow did not answer within 200ms"));
    }

    [Fact]
    public async Task ARefusedConnection_IsAnError()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePort()}/healthz");
        var check = new HttpCheck { Name = "healthz", Url = closed };

        var sample = await CheckProbes.Http(check, _http, closed).SampleAsync(CancellationToken.None);

        sample.Kind.Should().Be(SampleKind.Error);
        sample.Message.Should().StartWith($"GET {closed} could not be sent: ");
    }

    [Theory]
    [InlineData("$.latency", "result < 0.5", SampleKind.Passed, "0.2", "GET /healthz: $.latency 0.2 < 0.5")]
    [InlineData("$.latency", "result < 0.1", SampleKind.Failed, "0.2", "GET /healthz: $.latency 0.2 >= 0.1")]
    [InlineData("$.checks[0].ms", "result <= 12", SampleKind.Passed, "12", "GET /healthz: $.checks[0].ms 12 <= 12")]
    [InlineData("$['checks'][0]['ms']", "result > 12", SampleKind.Failed, "12", "GET /healthz: $['checks'][0]['ms'] 12 <= 12")]
    [InlineData("$.name", "result > 0", SampleKind.Inconclusive, "\"web\"", "GET /healthz: $.name is \"web\", not a number, so result > 0 cannot be judged")]
    [InlineData("$.ready", "result > 0", SampleKind.Inconclusive, "true", "GET /healthz: $.ready is true, not a number, so result > 0 cannot be judged")]
    [InlineData("$.missing", "result > 0", SampleKind.Inconclusive, "200", "GET /healthz answered 200 with nothing at $.missing")]
    [InlineData("$.checks[3].ms", "result > 0", SampleKind.Inconclusive, "200", "GET /healthz answered 200 with nothing at $.checks[3].ms")]
    public async Task TheNumberAtAJsonPath_IsJudgedByTheCondition(string path, string condition, SampleKind kind, string value, string message)
    {
        var sample = await Sample(Check("/healthz") with { JsonPath = path, SuccessCondition = Condition.Parse(condition).Condition });

        sample.Should().Be(new CheckSample(kind, value, message));
    }

    [Fact]
    public async Task ABodyThatIsNotJson_LeavesAJsonPathCheckInconclusive()
    {
        var sample = await Sample(Check("/text") with { JsonPath = "$.latency", SuccessCondition = Condition.Parse("result < 1").Condition });

        sample.Should().Be(new CheckSample(SampleKind.Inconclusive, "200", "GET /text answered 200 with a body that is not JSON, so $.latency cannot be read"));
    }

    [Fact]
    public async Task TheMethod_AndTheProxyPath_AreSentAsGiven()
    {
        var check = Check("/healthz?full=1") with { Method = "POST" };
        var target = CheckProbes.ServiceProxy(_app.BaseAddress, "demo", check.Service!, check.Path);

        var sample = await CheckProbes.Http(check, _http, target).SampleAsync(CancellationToken.None);

        sample.Message.Should().Be("POST /healthz?full=1 answered 200");
        _app.Requests.Should().Equal("POST /api/v1/namespaces/demo/services/web:http/proxy/healthz?full=1");
    }

    [Fact]
    public async Task AFullUrlsQuery_IsLeftOutOfTheMessage()
    {
        var url = new Uri(_app.BaseAddress, "broken?token=secret");

        var sample = await CheckProbes.Http(new HttpCheck { Name = "healthz", Url = url }, _http, url).SampleAsync(CancellationToken.None);

        sample.Message.Should().NotContain("secret").And.Contain("answered 500");
    }

    [Fact]
    public async Task TheCallersCancellation_Throws_ItIsNotASample()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => CheckProbes.Http(Check("/slow"), _http, new Uri(_app.BaseAddress, "slow")).SampleAsync(cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    private static HttpCheck Check(string path) => new() { Name = "healthz", Service = new ServiceReference(null, "web", "http"), Path = path };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<CheckSample> Sample(HttpCheck check) =>
        CheckProbes.Http(check, _http, new Uri(_app.BaseAddress, check.Path.TrimStart('/'))).SampleAsync(CancellationToken.None);
}
