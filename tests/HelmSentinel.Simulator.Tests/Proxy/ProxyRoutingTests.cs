using System.Net;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Proxy;

public sealed class ProxyRoutingTests : IAsyncLifetime
{
    private const string Svc = "/api/v1/namespaces/default/services";
    private const string Pods = "/api/v1/namespaces/default/pods";
    private ProxySession _session = null!;

    public async Task InitializeAsync() => _session = await ProxySession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task A_service_proxy_answers_from_a_ready_pod_with_the_path_and_query_passed_through()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-1");

        // Act
        using var response = await _session.GetAsync($"{Svc}/web:http/proxy/v1/items/?limit=2&q=a%20b");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        body["status"]!.GetValue<string>().Should().Be("ok");
        body["pod"]!.GetValue<string>().Should().Be("web-1");
        body["image"]!.GetValue<string>().Should().Be("nginx:1.16.0");
        body["method"]!.GetValue<string>().Should().Be("GET");
        body["path"]!.GetValue<string>().Should().Be("/v1/items/");
        body["query"]!.GetValue<string>().Should().Be("limit=2&q=a%20b");
    }

    [Fact]
    public async Task Ready_pods_behind_a_service_take_turns_in_name_order()
    {
        // Arrange
        _session.Pod("web-b", "nginx:1.16.0");
        _session.Pod("web-a", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-a", "web-b");

        // Act
        var pods = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            pods.Add((await _session.GetJsonAsync($"{Svc}/web:http/proxy/"))["pod"]!.GetValue<string>());
        }

        // Assert
        pods.Should().Equal("web-a", "web-b", "web-a", "web-b");
    }

    [Theory]
    [InlineData("web:http")]
    [InlineData("web:80")]
    [InlineData("http:web:http")]
    [InlineData("https:web:80")]
    public async Task A_service_port_is_named_or_numbered_with_an_optional_scheme(string id)
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-1");

        // Act
        var (code, body) = await _session.GetTextAsync($"{Svc}/{Uri.EscapeDataString(id)}/proxy/healthz");

        // Assert
        code.Should().Be(200, body);
    }

    [Fact]
    public async Task Without_a_port_only_an_unnamed_service_port_is_used()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("named");
        _session.Service("unnamed", ports: """[{ "port": 80, "targetPort": 8080 }]""");
        await _session.ReadyAsync("web-1");

        // Act
        var named = await _session.GetTextAsync($"{Svc}/named/proxy/");
        var unnamed = await _session.GetTextAsync($"{Svc}/unnamed/proxy/");
        var defaultWithScheme = await _session.GetTextAsync($"{Svc}/https:unnamed:/proxy/");

        // Assert
        named.Should().Be((503, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no endpoints available for service \"named\"","reason":"ServiceUnavailable","code":503}"""));
        unnamed.Code.Should().Be(200);
        defaultWithScheme.Code.Should().Be(200);
    }

    [Fact]
    public async Task A_service_without_ready_endpoints_is_a_503_Status_like_the_apiserver()
    {
        // Arrange
        _session.Service("nobody", app: "nothing-selected");
        _session.Pod("starting-1", "sim.local/slow-30", app: "starting");
        _session.Service("starting", app: "starting");
        await _session.SettleAsync();
        await _session.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Act
        var nobody = await _session.GetTextAsync($"{Svc}/nobody:http/proxy/");
        var starting = await _session.GetTextAsync($"{Svc}/starting:http/proxy/");

        // Assert
        nobody.Code.Should().Be(503);
        nobody.Body.Should().Contain("\"message\":\"no endpoints available for service \\\"nobody\\\"\"").And.Contain("\"reason\":\"ServiceUnavailable\"");
        starting.Code.Should().Be(503, "a pod that is not Ready is only a not-ready address");
        starting.Body.Should().Contain("no endpoints available for service \\\"starting:http\\\"", "the apiserver names the id once the Endpoints have subsets");
    }

    [Fact]
    public async Task Unknown_ports_services_and_malformed_ids_are_answered_as_the_apiserver_does()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        _session.Simulator.Store.Create(ResourceTypes.Services, "default", JsonNode.Parse("""{ "metadata": { "name": "external" }, "spec": { "ports": [{ "port": 80 }] } }""")!.AsObject());
        await _session.ReadyAsync("web-1");

        // Act
        var portNumber = await _session.GetTextAsync($"{Svc}/web:81/proxy/");
        var portName = await _session.GetTextAsync($"{Svc}/web:metrics/proxy/");
        var missingByNumber = await _session.GetTextAsync($"{Svc}/ghost:80/proxy/");
        var missingByName = await _session.GetTextAsync($"{Svc}/ghost:http/proxy/");
        var noSelector = await _session.GetTextAsync($"{Svc}/external/proxy/");
        var badScheme = await _session.GetTextAsync($"{Svc}/ftp:web:80/proxy/");
        var tooMany = await _session.GetTextAsync($"{Pods}/a:b:c:d/proxy/");

        // Assert
        portNumber.Should().Be((503, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no service port 81 found for service \"web\"","reason":"ServiceUnavailable","code":503}"""));
        portName.Code.Should().Be(503);
        portName.Body.Should().Contain("no endpoints available for service \\\"web:metrics\\\"");
        missingByNumber.Code.Should().Be(404);
        missingByNumber.Body.Should().Contain("services \\\"ghost\\\" not found");
        missingByName.Code.Should().Be(404);
        missingByName.Body.Should().Contain("endpoints \\\"ghost\\\" not found");
        noSelector.Code.Should().Be(404, "nothing maintains Endpoints for a service without a selector");
        badScheme.Should().Be((400, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"invalid service request \"ftp:web:80\"","reason":"BadRequest","code":400}"""));
        tooMany.Code.Should().Be(400);
        tooMany.Body.Should().Contain("invalid pod request \\\"a:b:c:d\\\"");
    }

    [Fact]
    public async Task A_pod_proxy_uses_the_port_as_written_or_the_first_declared_one()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0", ports: """[{ "name": "http", "containerPort": 8080 }, { "name": "admin", "containerPort": 9090 }]""");
        await _session.ReadyAsync("web-1");

        // Act
        var first = await _session.GetTextAsync($"{Pods}/web-1/proxy/healthz");
        var second = await _session.GetTextAsync($"{Pods}/web-1:9090/proxy/healthz");
        var https = await _session.GetTextAsync($"{Pods}/https:web-1:8080/proxy/healthz");
        var undeclared = await _session.GetTextAsync($"{Pods}/web-1:7000/proxy/healthz");
        var named = await _session.GetTextAsync($"{Pods}/web-1:admin/proxy/healthz");
        var ip = _session.Simulator.Store.Get(ResourceTypes.Pods, "default", "web-1")!["status"]!["podIP"]!.GetValue<string>();

        // Assert
        first.Code.Should().Be(200);
        second.Code.Should().Be(200);
        https.Code.Should().Be(200);
        undeclared.Should().Be((503, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"error trying to reach service: dial tcp {{ip}}:7000: connect: connection refused","reason":"ServiceUnavailable","code":503}"""));
        named.Code.Should().Be(503, "a pod port is dialled as written, and the dialer knows no port called admin");
        named.Body.Should().Contain("error trying to reach service: dial tcp: lookup tcp/admin: unknown port");
    }

    [Fact]
    public async Task A_pod_that_is_not_running_refuses_and_one_without_an_address_is_not_allowed()
    {
        // Arrange
        _session.Pod("crasher", "sim.local/crash:1");
        _session.Pod("missing", "example.invalid/none:1");
        _session.Simulator.Store.Create(ResourceTypes.Pods, "default", JsonNode.Parse("""
            { "metadata": { "name": "huge" }, "spec": { "containers": [ { "name": "web", "image": "nginx:1", "resources": { "requests": { "memory": "1Ti" } } } ] } }
            """)!.AsObject());
        await _session.SettleAsync();
        await _session.AdvanceAsync(TimeSpan.FromSeconds(2));

        // Act
        var crasher = await _session.GetTextAsync($"{Pods}/crasher/proxy/");
        var missing = await _session.GetTextAsync($"{Pods}/missing:8080/proxy/");
        var huge = await _session.GetTextAsync($"{Pods}/huge:80/proxy/");
        var ghost = await _session.GetTextAsync($"{Pods}/ghost:80/proxy/");

        // Assert
        crasher.Code.Should().Be(503);
        crasher.Body.Should().MatchRegex("error trying to reach service: dial tcp 10\\.244\\.0\\.\\d+:8080: connect: connection refused");
        missing.Code.Should().Be(503);
        missing.Body.Should().Contain("connection refused");
        huge.Should().Be((400, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"address not allowed","reason":"BadRequest","code":400}"""));
        ghost.Code.Should().Be(404);
        ghost.Body.Should().Contain("pods \\\"ghost\\\" not found");
    }

    [Fact]
    public async Task The_proxy_root_without_a_slash_is_redirected_to_the_slash_with_its_query()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-1");

        // Act
        using var redirect = await _session.GetAsync($"{Svc}/web:http/proxy?x=1");
        var root = await _session.GetJsonAsync($"{Svc}/web:http/proxy/");
        var cleaned = await _session.GetJsonAsync($"{Svc}/web:http/proxy/a//b/../c");
        var encoded = await _session.GetJsonAsync($"{Svc}/web:http/proxy/a%2Fb");

        // Assert
        redirect.StatusCode.Should().Be(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.OriginalString.Should().Be($"{Svc}/web:http/proxy/?x=1");
        root["path"]!.GetValue<string>().Should().Be("/");
        cleaned["path"]!.GetValue<string>().Should().Be("/a/c");
        encoded["path"]!.GetValue<string>().Should().Be("/a/b");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("HEAD")]
    public async Task Every_method_the_apiserver_proxies_reaches_the_app(string method)
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-1");

        // Act
        var (code, body, response) = await _session.SendAsync(new HttpMethod(method), $"{Svc}/web:http/proxy/items");
        response.Dispose();

        // Assert
        code.Should().Be(200);
        if (method == "HEAD")
        {
            body.Should().BeEmpty();
        }
        else
        {
            JsonNode.Parse(body)!["method"]!.GetValue<string>().Should().Be(method);
        }
    }

    [Fact]
    public async Task Other_methods_are_not_allowed_and_dryRun_is_refused()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Service("web");
        await _session.ReadyAsync("web-1");

        // Act
        var (trace, _, traceResponse) = await _session.SendAsync(new HttpMethod("TRACE"), $"{Svc}/web:http/proxy/");
        traceResponse.Dispose();
        var dryRun = await _session.GetTextAsync($"{Svc}/web:http/proxy/?dryRun=All");

        // Assert
        trace.Should().Be(405);
        dryRun.Should().Be((400, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"dryRun is not supported","reason":"BadRequest","code":400}"""));
    }

    [Fact]
    public async Task Discovery_lists_the_proxy_subresources_as_the_apiserver_does()
    {
        // Act
        var core = await _session.GetJsonAsync("/api/v1");
        var resources = core["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var names = resources.Select(r => r["name"]!.GetValue<string>()).ToList();

        // Assert
        resources.Single(r => r["name"]!.GetValue<string>() == "pods/proxy").ToJsonString().Should().Be(
            """{"name":"pods/proxy","singularName":"","namespaced":true,"kind":"PodProxyOptions","verbs":["create","delete","get","patch","update"]}""");
        resources.Single(r => r["name"]!.GetValue<string>() == "services/proxy").ToJsonString().Should().Be(
            """{"name":"services/proxy","singularName":"","namespaced":true,"kind":"ServiceProxyOptions","verbs":["create","delete","get","patch","update"]}""");
        names.SkipWhile(n => n != "pods").Take(4).Should().Equal("pods", "pods/log", "pods/proxy", "pods/status");
    }
}
