using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.ArgoCd;

/// <summary>The fake's own answers, as Argo CD gives them (facts §F), so that the tests against it mean something.</summary>
public sealed class FakeArgoCdTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeArgoCd _argo = null!;

    public async Task InitializeAsync()
    {
        _argo = await FakeArgoCd.StartAsync();
        _http.BaseAddress = _argo.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _argo.DisposeAsync();
    }

    [Fact]
    public async Task Session_TradesAPasswordForTheToken_AndRecordsNoPassword()
    {
        using var ok = await _http.PostAsJsonAsync("api/v1/session", new { username = "admin", password = "argocd-admin-password" });
        using var wrong = await _http.PostAsJsonAsync("api/v1/session", new { username = "admin", password = "guess" });

        ((string?)(await ok.Content.ReadFromJsonAsync<JsonObject>())!["token"]).Should().Be(_argo.Token);
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _argo.Requests.Select(r => r.Body).Should().AllSatisfy(b => b.Should().Contain("\"password\":\"***\""));
    }

    [Fact]
    public async Task ErrorsComeInTheGrpcGatewayShape()
    {
        using var response = await _http.GetAsync("api/v1/applications/shop");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.ToJsonString()
            .Should().Be("""{"error":"no session information","code":16,"message":"no session information","details":[]}""");
    }

    [Fact]
    public async Task AScript_CanFollowTheCountOfReads()
    {
        var v1 = ArgoCdApp.Deployed("shop", "4f1d2c3b5a6978877665544332211aabbccddeef");
        _argo.Script("argocd", "shop", n => n < 2 ? v1 : v1.SyncedTo("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _argo.Token);

        var revisions = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            var app = await _http.GetFromJsonAsync<JsonObject>("api/v1/applications/shop");
            revisions.Add((string?)app!["status"]!["sync"]!["revision"]);
        }

        revisions.Should().Equal("4f1d2c3b5a6978877665544332211aabbccddeef", "4f1d2c3b5a6978877665544332211aabbccddeef", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");
        _argo.Reads("shop").Should().Be(3);
    }
}
