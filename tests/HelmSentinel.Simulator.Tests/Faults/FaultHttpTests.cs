using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api;
using HelmSentinel.Simulator.Api.Bodies;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>Each fault kind against raw HTTP: status, body and headers as a real API server writes them. The simulator runs
/// on a manual clock, so delays and timed cuts happen only when the test moves the clock.</summary>
public sealed class FaultHttpTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly ManualClock _clock = new();
    private KubeSimulator _simulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubeSimulator.StartAsync(new SimulatorOptions { Time = _clock });
        _http = new HttpClient { BaseAddress = _simulator.BaseAddress, Timeout = Bound };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task A_503_is_a_ServiceUnavailable_Status_and_the_window_then_closes()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Id = "down", Kind = FaultKind.Status, Code = 503, Verb = "list", Resource = "configmaps", ForRequests = 1 });

        // Act
        using var failed = await _http.GetAsync(Url(ConfigMaps));
        using var served = await _http.GetAsync(Url(ConfigMaps));

        // Assert
        failed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        failed.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        failed.Headers.RetryAfter.Should().BeNull();
        (await failed.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","code":503}""");
        served.StatusCode.Should().Be(HttpStatusCode.OK);
        _simulator.Faults.Fired("down").Should().Be(1);
    }

    [Fact]
    public async Task A_429_carries_Retry_After_in_its_header_and_its_details()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 429 });

        // Act
        using var response = await _http.GetAsync(Url(ConfigMaps));

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.GetValues("Retry-After").Should().Equal("1");
        (await response.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}""");
    }

    [Fact]
    public async Task A_500_is_an_InternalError_with_its_cause_and_any_Retry_After()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 500, Message = "resource quota evaluation timed out", RetryAfterSeconds = 3 });

        // Act
        using var response = await PostAsync(ConfigMaps, """{"metadata":{"name":"a"}}""", "application/json");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        response.Headers.GetValues("Retry-After").Should().Equal("3");
        (await response.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: resource quota evaluation timed out","reason":"InternalError","details":{"causes":[{"message":"resource quota evaluation timed out"}]},"code":500}""");
        _simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "a").Should().BeNull();
    }

    [Fact]
    public async Task A_leader_change_is_a_500_with_etcds_message_and_no_reason()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.LeaderChanged, Resource = "configmaps" });

        // Act
        using var response = await _http.GetAsync(Url(ConfigMaps + "/x"));

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcdserver: leader changed","code":500}""");
    }

    [Fact]
    public async Task A_conflict_on_an_update_is_409_Conflict_and_leaves_the_object_alone()
    {
        // Arrange
        _simulator.Store.Create(ResourceTypes.Deployments, "default", Deployment("web"));
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Conflict, Resource = "deployments", Name = "web" });

        // Act
        using var update = await SendAsync(HttpMethod.Put, "/apis/apps/v1/namespaces/default/deployments/web", Deployment("web", replicas: 3).ToJsonString(), "application/json");
        using var read = await _http.GetAsync(Url("/apis/apps/v1/namespaces/default/deployments/web"));

        // Assert
        update.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await update.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"web","group":"apps","kind":"deployments"},"code":409}""");
        read.StatusCode.Should().Be(HttpStatusCode.OK, "reads are not writes");
        _simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!["spec"]!["replicas"]!.ToJsonString().Should().Be("1");
    }

    [Fact]
    public async Task Refused_release_writes_are_RBACs_403_in_protobuf_for_Helms_protobuf_requests_and_nothing_is_stored()
    {
        // Arrange
        _simulator.Store.Create(ResourceTypes.Secrets, "default", Json("""{"metadata":{"name":"sh.helm.release.v1.web.v1","labels":{"owner":"helm"}}}"""));
        _simulator.Faults.Add(new FaultRule { Id = "refuse", Kind = FaultKind.RefuseReleaseWrites });
        using var create = new HttpRequestMessage(HttpMethod.Post, Url("/api/v1/namespaces/default/secrets"))
        {
            Content = new ByteArrayContent(ReleaseSecretProtobuf("sh.helm.release.v1.web.v2")),
        };
        create.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        create.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf, application/json");

        // Act
        using var created = await _http.SendAsync(create);
        var status = Decode(await created.Content.ReadAsByteArrayAsync());
        using var updated = await SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/secrets/sh.helm.release.v1.web.v1", """{"metadata":{"name":"sh.helm.release.v1.web.v1"}}""", "application/json");
        using var listed = await _http.GetAsync(Url("/api/v1/namespaces/default/secrets?labelSelector=name%3Dweb%2Cowner%3Dhelm"));

        // Assert
        created.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        created.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.kubernetes.protobuf");
        status.Should().Equal(
            (2, "Failure"),
            (3, "secrets is forbidden: User \"system:anonymous\" cannot create resource \"secrets\" in API group \"\" in the namespace \"default\""),
            (4, "Forbidden"),
            (6, "403"));
        updated.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await updated.Content.ReadAsStringAsync()).Should().Be(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"sh.helm.release.v1.web.v1\" is forbidden: User \"system:anonymous\" cannot update resource \"secrets\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","details":{"name":"sh.helm.release.v1.web.v1","kind":"secrets"},"code":403}""");
        listed.StatusCode.Should().Be(HttpStatusCode.OK, "reading the release is still allowed");
        _simulator.Store.Get(ResourceTypes.Secrets, "default", "sh.helm.release.v1.web.v2").Should().BeNull();
        _simulator.Faults.Fired("refuse").Should().Be(2);
    }

    [Fact]
    public void A_protobuf_Status_carries_every_field_as_the_apiservers_serializer_writes_it()
    {
        // Arrange
        var answer = FaultAnswer.For(
            new FaultRule { Kind = FaultKind.Status, Code = 429 },
            new FaultRequest("list", "/api/v1/pods", ResourceTypes.Pods, null, "", null, ""));

        // Act
        var body = KubeProtobuf.EncodeStatus(answer.Status);

        // Assert
        body[..4].Should().Equal("k8s\0"u8.ToArray());
        var envelope = ProtoReader.Fields(body.AsMemory(4));
        envelope.Select(f => f.Number).Should().Equal(1, 2, 3, 4);
        ProtoReader.Fields(envelope[0].Bytes).Select(f => f.Text).Should().Equal("v1", "Status");
        var status = ProtoReader.Fields(envelope[1].Bytes);
        status.Select(f => f.Number).Should().Equal(1, 2, 3, 4, 5, 6);
        (status[1].Text, status[2].Text, status[3].Text, status[5].Number64).Should().Be(("Failure", FaultAnswer.TooManyRequestsMessage, "TooManyRequests", 429UL));
        var details = ProtoReader.Fields(status[4].Bytes);
        details.Single(f => f.Number == 5).Number64.Should().Be(1UL, "retryAfterSeconds");
    }

    [Fact]
    public async Task A_reset_drops_the_connection_without_an_answer()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Id = "reset", Kind = FaultKind.Reset, ForRequests = 1 });

        // Act
        var dropped = await Record.ExceptionAsync(() => _http.GetAsync(Url(ConfigMaps)));
        using var next = await _http.GetAsync(Url(ConfigMaps));

        // Assert
        dropped.Should().BeOfType<HttpRequestException>();
        next.StatusCode.Should().Be(HttpStatusCode.OK);
        _simulator.Faults.Fired("reset").Should().Be(1);
    }

    [Fact]
    public async Task Latency_holds_the_answer_until_the_simulators_clock_has_moved_on()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Id = "slow", Kind = FaultKind.Latency, Delay = TimeSpan.FromSeconds(3), Resource = "configmaps" });
        var timersBefore = _clock.PendingTimers;

        // Act
        var pending = _http.GetAsync(Url(ConfigMaps));
        await Eventually.WaitUntilAsync(() => _clock.PendingTimers > timersBefore, "the request waits on the simulator's clock");
        var afterNothing = pending.IsCompleted;
        _clock.Advance(TimeSpan.FromSeconds(2.9));
        var afterMost = pending.IsCompleted;
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        using var response = await pending.WaitAsync(Bound);

        // Assert
        (afterNothing, afterMost).Should().Be((false, false));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _simulator.Faults.Fired("slow").Should().Be(1);
    }

    [Fact]
    public async Task A_watch_cut_after_K_events_ends_the_stream_without_a_final_event()
    {
        // Arrange
        foreach (var name in new[] { "a", "b", "c" })
        {
            _simulator.Store.Create(ResourceTypes.ConfigMaps, "default", Json($$$"""{"metadata":{"name":"{{{name}}}"}}"""));
        }

        _simulator.Faults.Add(new FaultRule { Id = "cut", Kind = FaultKind.WatchCut, Resource = "configmaps", AfterEvents = 2 });

        // Act
        var lines = (await _http.GetStringAsync(Url(ConfigMaps + "?watch=true"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Assert
        lines.Select(l => JsonNode.Parse(l)!).Select(e => (e["type"]!.GetValue<string>(), e["object"]!["metadata"]!["name"]!.GetValue<string>()))
            .Should().Equal(("ADDED", "a"), ("ADDED", "b"));
        _simulator.Faults.Fired("cut").Should().Be(1);
    }

    [Fact]
    public async Task A_watch_cut_after_a_time_ends_the_stream_when_the_simulators_clock_gets_there()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.WatchCut, Resource = "configmaps", AfterTime = TimeSpan.FromSeconds(30) });
        using var response = await _http.GetAsync(Url(ConfigMaps + "?watch=true&resourceVersion=" + _simulator.Store.ResourceVersion), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // Act
        _clock.Advance(TimeSpan.FromSeconds(29));
        _simulator.Store.Create(ResourceTypes.ConfigMaps, "default", Json("""{"metadata":{"name":"still-open"}}"""));
        var event1 = await reader.ReadLineAsync().WaitAsync(Bound);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var rest = await reader.ReadToEndAsync().WaitAsync(Bound);

        // Assert
        JsonNode.Parse(event1!)!["object"]!["metadata"]!["name"]!.GetValue<string>().Should().Be("still-open");
        rest.Should().BeEmpty("the stream ends without an ERROR or any other last event");
    }

    [Fact]
    public async Task The_fault_surface_adds_lists_reads_removes_and_clears_with_counts()
    {
        // Act
        using var added = await PostAsync("/_sim/faults", """{"id":"pods-down","kind":"status","code":503,"resource":"pods","forRequests":1}""", "application/json");
        using var second = await PostAsync("/_sim/faults", """{"kind":"latency","delay":"2s","resource":"nothing"}""", "application/json");
        using var duplicate = await PostAsync("/_sim/faults", """{"id":"pods-down","kind":"reset"}""", "application/json");
        using var invalid = await PostAsync("/_sim/faults", """{"kind":"status","code":404}""", "application/json");
        using var _ = await _http.GetAsync(Url("/api/v1/namespaces/default/pods"));
        var listed = JsonNode.Parse(await _http.GetStringAsync(Url("/_sim/faults")))!.AsArray();
        var one = JsonNode.Parse(await _http.GetStringAsync(Url("/_sim/faults/pods-down")))!;
        using var removed = await _http.DeleteAsync(Url("/_sim/faults/pods-down"));
        using var missing = await _http.DeleteAsync(Url("/_sim/faults/pods-down"));
        var cleared = await (await _http.DeleteAsync(Url("/_sim/faults"))).Content.ReadAsStringAsync();

        // Assert
        added.StatusCode.Should().Be(HttpStatusCode.Created);
        JsonNode.Parse(await added.Content.ReadAsStringAsync())!["fired"]!.GetValue<int>().Should().Be(0);
        JsonNode.Parse(await second.Content.ReadAsStringAsync())!["id"]!.GetValue<string>().Should().Be("fault-1");
        duplicate.StatusCode.Should().Be(HttpStatusCode.Conflict);
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().Should().Be("invalid fault: fault 'status': a status fault answers 500, 503 or 429, not 404");
        listed.Select(f => (f!["id"]!.GetValue<string>(), f["matched"]!.GetValue<int>(), f["fired"]!.GetValue<int>())).Should().Equal(("pods-down", 1, 1), ("fault-1", 0, 0));
        one["code"]!.GetValue<int>().Should().Be(503);
        one["added"]!.GetValue<string>().Should().Be("2026-11-24T12:00:00.000Z", "the simulator's clock");
        removed.StatusCode.Should().Be(HttpStatusCode.OK);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        cleared.Should().Be("""{"cleared":1}""");
        _simulator.Faults.List().Should().BeEmpty();
    }

    [Fact]
    public async Task The_fault_surface_is_refused_to_callers_not_on_loopback()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");

        // Act
        var refused = await Record.ExceptionAsync(() => FaultEndpoint.HandleAsync(context, _simulator.Faults, null, []));

        // Assert
        refused.Should().BeOfType<ApiException>().Which.Code.Should().Be(403);
        new[] { "127.0.0.1", "::1", "::ffff:127.0.0.1", "10.1.2.3" }.Select(a => FaultEndpoint.IsLoopback(IPAddress.Parse(a))).Should().Equal(true, true, true, false);
        FaultEndpoint.IsLoopback(null).Should().BeFalse();
    }

    [Fact]
    public async Task A_fault_on_everything_spares_the_control_surface_and_discovery_unless_it_names_the_path()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 503 });
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 500, Path = "/openapi/v3" });

        // Act
        var codes = new Dictionary<string, HttpStatusCode>();
        foreach (var path in new[] { "/_sim/faults", "/_sim/requests", "/version", "/api", "/apis", "/api/v1", "/apis/apps/v1", "/openapi/v3", "/healthz", ConfigMaps })
        {
            using var response = await _http.GetAsync(Url(path));
            codes[path] = response.StatusCode;
        }

        // Assert
        codes.Where(c => c.Value != HttpStatusCode.OK).Should().BeEquivalentTo(new Dictionary<string, HttpStatusCode>
        {
            ["/openapi/v3"] = HttpStatusCode.InternalServerError,
            [ConfigMaps] = HttpStatusCode.ServiceUnavailable,
        });
    }

    [Fact]
    public async Task A_create_is_matched_by_the_name_in_its_body()
    {
        // Arrange
        _simulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Code = 503, Verb = "create", Name = "web-*" });

        // Act
        using var web = await PostAsync(ConfigMaps, """{"metadata":{"name":"web-1"}}""", "application/json");
        using var other = await PostAsync(ConfigMaps, "metadata:\n  name: db-1\n", "application/yaml");

        // Assert
        web.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        other.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Faults_from_the_cluster_file_are_set_from_the_start()
    {
        // Arrange
        var cluster = ClusterConfig.Parse("""
            faults:
              - id: boot
                kind: leader-changed
                verb: list
                forRequests: 1
            """);
        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions { Cluster = cluster });
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress, Timeout = Bound };

        // Act
        using var first = await http.GetAsync(Url("/api/v1/namespaces"));
        using var second = await http.GetAsync(Url("/api/v1/namespaces"));

        // Assert
        (first.StatusCode, second.StatusCode).Should().Be((HttpStatusCode.InternalServerError, HttpStatusCode.OK));
        simulator.Faults.Fired("boot").Should().Be(1);
    }

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Deployment(string name, int replicas = 1)
    {
        var labels = new JsonObject { ["app"] = name };
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels },
                    ["spec"] = Json("""{"containers":[{"name":"web","image":"sim.local/ready"}]}"""),
                },
            },
        };
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType) => SendAsync(HttpMethod.Post, path, body, contentType);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(method, Url(path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await _http.SendAsync(request);
    }

    /// <summary>Helm's release Secret as it sends it: protobuf, the name in ObjectMeta.</summary>
    private static byte[] ReleaseSecretProtobuf(string name) =>
    [
        .. "k8s\0"u8.ToArray(),
        .. new ProtoWriter().Bytes(1, new ProtoWriter().Text(1, "v1").Text(2, "Secret").ToArray())
            .Bytes(2, new ProtoWriter().Bytes(1, new ProtoWriter().Text(1, name).ToArray()).Text(3, "helm.sh/release.v1").ToArray())
            .ToArray(),
    ];

    /// <summary>The non-empty scalar fields of a protobuf Status, as (field, text or number).</summary>
    private static List<(int, string)> Decode(byte[] body)
    {
        var raw = ProtoReader.Fields(body.AsMemory(4)).Single(f => f.Number == 2).Bytes;
        return [.. ProtoReader.Fields(raw)
            .Where(f => f.Number is not (1 or 5))
            .Select(f => (f.Number, f.WireType == 0 ? f.Number64.ToString(System.Globalization.CultureInfo.InvariantCulture) : f.Text))
            .Where(f => f.Item2.Length > 0)];
    }
}
