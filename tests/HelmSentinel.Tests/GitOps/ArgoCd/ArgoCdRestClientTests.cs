using HelmSentinel.GitOps;
using HelmSentinel.GitOps.ArgoCd;
using HelmSentinel.Resilience.ArgoCd;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.ArgoCd;

public sealed class ArgoCdRestClientTests : IAsyncLifetime
{
    private const string Old = "4f1d2c3b5a6978877665544332211aabbccddeef";
    private const string New = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    private const string TokenVariable = "ARGOCD_TOKEN";

    private readonly HttpClient _http = new();
    private readonly List<string> _log = [];
    private FakeArgoCd _argo = null!;

    public async Task InitializeAsync() => _argo = await FakeArgoCd.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _argo.DisposeAsync();
    }

    private ArgoCdRestClient Client(string? token = null, TimeProvider? time = null, int retries = 3) =>
        new(_http, _argo.BaseAddress, token ?? _argo.Token, TokenVariable,
            new ArgoCdRetryOptions { MaxRetries = retries, BaseDelay = TimeSpan.FromSeconds(1) },
            time ?? new ManualClock { AutoAdvance = true },
            _log.Add);

    [Fact]
    public async Task GetApplication_ReturnsTheApplication_WithTheBearerToken()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old) with { Namespace = "team-a" });

        var application = await Client().GetApplicationAsync("shop", "team-a");

        ArgoCdApplicationStatus.Read(application, Old, DateTimeOffset.UnixEpoch).AtRevision.Should().BeTrue();
        var request = _argo.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/api/v1/applications/shop");
        request.Query.Should().Be("?appNamespace=team-a");
        request.TokenAccepted.Should().BeTrue();
        request.Headers["Authorization"].Should().Be("Bearer");
    }

    [Fact]
    public async Task GetResourceTree_ReadsTheNodesHealthMessages()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old).SyncedTo(New).DegradedDeployment().WithCrashLoopingPod());

        var nodes = await Client().GetResourceTreeAsync("shop");

        nodes.Should().ContainSingle(n => n.Kind == "Pod").Which.Message.Should().StartWith("back-off 5m0s restarting failed container=web");
        nodes.Should().ContainSingle(n => n.Kind == "Deployment").Which.Health.Should().Be(AppHealth.Degraded);
        _argo.Requests.Single().Path.Should().Be("/api/v1/applications/shop/resource-tree");
    }

    [Fact]
    public async Task A503Twice_IsRetried_AfterTheRetryAfterWait_AndSucceeds()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old));
        _argo.Fail("GET", "^/api/v1/applications/shop$", 503, times: 2, retryAfter: "7");
        var clock = new ManualClock { AutoAdvance = true };
        var start = clock.GetUtcNow();

        var application = await Client(time: clock).GetApplicationAsync("shop");

        ((string?)application["metadata"]?["name"]).Should().Be("shop");
        _argo.Requests.Select(r => r.Status).Should().Equal(503, 503, 200);
        (clock.GetUtcNow() - start).Should().Be(TimeSpan.FromSeconds(14), "each retry waits the 7 s Argo CD asked for");
        _log.Should().HaveCount(2).And.AllSatisfy(l => l.Should().StartWith("Argo CD answered 503"));
    }

    [Fact]
    public async Task A503ThatStays_IsUnreachable_AfterTheRetries()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old));
        _argo.Fail("GET", "^/api/v1/applications/shop$", 503, times: -1);

        var act = () => Client(retries: 2).GetApplicationAsync("shop");

        var error = (await act.Should().ThrowAsync<GitOpsSourceException>()).Which;
        error.Failure.Should().Be(GitOpsSourceFailure.Unreachable);
        error.Message.Should().Contain("503: injected 503").And.Contain("after 2 retries");
        _argo.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task AServerThatIsGone_IsUnreachable_AfterTheRetries()
    {
        var gone = await FakeArgoCd.StartAsync();
        var address = gone.BaseAddress;
        await gone.DisposeAsync();
        var client = new ArgoCdRestClient(_http, address, "t0ken-for-nothing", TokenVariable,
            new ArgoCdRetryOptions { MaxRetries = 1 }, new ManualClock { AutoAdvance = true });

        var act = () => client.GetApplicationAsync("shop");

        var error = (await act.Should().ThrowAsync<GitOpsSourceException>()).Which;
        error.Failure.Should().Be(GitOpsSourceFailure.Unreachable);
        error.Message.Should().Contain("cannot be reached").And.Contain(address.Authority);
    }

    [Theory]
    [InlineData("", "no session information")]
    [InlineData("wrong-token-4c7e9a1b2d3f5a6b8c9d0e1f", "invalid session: token signature is invalid")]
    public async Task A401_NamesTheVariable_AndNeverTheToken(string token, string argoSays)
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old));
        var canary = new SecretCanary([token]);

        var act = () => Client(token).GetApplicationAsync("shop");

        var error = (await act.Should().ThrowAsync<GitOpsSourceException>()).Which;
        error.Failure.Should().Be(GitOpsSourceFailure.Unauthorized);
        error.Message.Should().StartWith($"Argo CD refused the token in ARGOCD_TOKEN (401: {argoSays})");
        _argo.Requests.Should().ContainSingle("a 401 is not retried");
        canary.Find(
            [
                ("the exception", error.ToString()),
                ("the log", string.Join("\n", _log)),
                .. _argo.Requests.Select(r => ($"{r.Method} {r.Path}", (string?)(string.Join("\n", r.Headers.Select(h => h.Key + ": " + h.Value)) + "\n" + r.Body))),
            ]).Should().BeEmpty();
    }

    [Fact]
    public async Task AnUnknownApplication_Is403WithAdvice_UnlessTheProjectIsGiven()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old));
        var client = Client();

        var forbidden = (await ((Func<Task>)(() => client.GetApplicationAsync("shpo"))).Should().ThrowAsync<GitOpsSourceException>()).Which;
        var missing = (await ((Func<Task>)(() => client.GetApplicationAsync("shpo", project: "default"))).Should().ThrowAsync<GitOpsSourceException>()).Which;
        var otherProject = (await ((Func<Task>)(() => client.GetApplicationAsync("shop", project: "payments"))).Should().ThrowAsync<GitOpsSourceException>()).Which;

        forbidden.Failure.Should().Be(GitOpsSourceFailure.Unauthorized);
        forbidden.Message.Should().Contain("token in ARGOCD_TOKEN").And.Contain("(403: permission denied)")
            .And.Contain("also answers 403 for an application that does not exist when no project is given");
        missing.Failure.Should().Be(GitOpsSourceFailure.NotFound);
        missing.Message.Should().Be("Argo CD has no application 'shpo' in project 'default' (404: applications.argoproj.io \"shpo\" not found): check the application name and app namespace");
        otherProject.Failure.Should().Be(GitOpsSourceFailure.Unauthorized);
        otherProject.Message.Should().Contain("check that the application is in project 'payments'");
    }

    [Fact]
    public async Task Rollback_WithAutomatedSync_IsRefusedWithArgoCdsMessage()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old).SyncedTo(New).WithAutomatedSync());

        var act = () => Client().RollbackAsync("shop", 0);

        var refused = (await act.Should().ThrowAsync<ArgoCdRollbackRefusedException>()).Which;
        refused.ArgoCdMessage.Should().Be("rollback cannot be initiated when auto-sync is enabled");
        refused.Code.Should().Be(9);
        refused.Message.Should().Be("Argo CD refused to roll application 'shop' back to history id 0 (400: rollback cannot be initiated when auto-sync is enabled)");
        _argo.Rollbacks.Should().BeEmpty();
        _argo.Requests.Should().ContainSingle("a refusal is not retried");
    }

    [Fact]
    public async Task Rollback_ToAnUnknownId_IsRefused()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old).SyncedTo(New));

        var act = () => Client().RollbackAsync("shop", 7);

        (await act.Should().ThrowAsync<ArgoCdRollbackRefusedException>()).Which
            .ArgoCdMessage.Should().Be("application shop does not have deployment with id 7");
        _argo.Rollbacks.Should().BeEmpty();
    }

    [Fact]
    public async Task Rollback_WithoutAutomatedSync_ReachesArgoCd()
    {
        _argo.SetApplication(ArgoCdApp.Deployed("shop", Old).SyncedTo(New) with { Namespace = "team-a" });

        var application = await Client().RollbackAsync("shop", 0, "team-a");

        ((string?)application["metadata"]?["name"]).Should().Be("shop");
        _argo.Rollbacks.Should().Equal(("team-a", "shop", 0L));
        var body = _argo.Matching("POST", "/rollback$").Single().Json!;
        ((string?)body["name"]).Should().Be("shop");
        ((long?)body["id"]).Should().Be(0);
        ((string?)body["appNamespace"]).Should().Be("team-a");
        ((bool?)body["dryRun"]).Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"error":"permission denied","code":7,"message":"permission denied","details":[]}""", "permission denied", 7)]
    [InlineData("""{"error":"only error","code":16}""", "only error", 16)]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>", null)]
    [InlineData("", "", null)]
    public void ErrorMessage_ReadsTheGrpcGatewayBody(string body, string message, int? code)
    {
        ArgoCdRestClient.ErrorMessage(body).Should().Be((message, code));
    }
}
