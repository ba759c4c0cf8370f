using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class HttpProtocolTests : IAsyncLifetime
{
    private KubeSimulator _simulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubeSimulator.StartAsync();
        _http = new HttpClient { BaseAddress = _simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Open_watches_are_counted_per_namespace_until_the_client_goes_away()
    {
        // Act
        using var cancel = new CancellationTokenSource();
        using var response = await _http.GetAsync("/api/v1/namespaces/default/pods?watch=true", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var whileOpen = (Default: _simulator.OpenWatches("default"), Other: _simulator.OpenWatches("kube-system"));
        await stream.DisposeAsync();
        response.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_simulator.OpenWatches("default") != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Assert
        whileOpen.Should().Be((1, 0));
        _simulator.OpenWatches("default").Should().Be(0);
    }

    [Fact]
    public async Task Discovery_lists_short_names_categories_and_subresources()
    {
        // Act
        var version = await GetJsonAsync("/version");
        var core = await GetJsonAsync("/api/v1");
        var apps = await GetJsonAsync("/apis/apps/v1");
        var groups = await GetJsonAsync("/apis");

        // Assert
        version["gitVersion"]!.GetValue<string>().Should().StartWith("v1.32.");
        Names(core).Should().Contain(["pods", "pods/log", "pods/status", "services", "events", "namespaces", "nodes"]);
        Names(apps).Should().Contain(["deployments", "deployments/scale", "deployments/status", "replicasets"]);
        apps["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "deployments")!["shortNames"]![0]!.GetValue<string>().Should().Be("deploy");
        core["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "pods")!["categories"]![0]!.GetValue<string>().Should().Be("all");
        groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().BeEquivalentTo("apps", "batch", "apiextensions.k8s.io");
    }

    [Fact]
    public async Task OpenApi_v3_documents_carry_the_fieldValidation_parameter_helm_checks()
    {
        // Act
        var root = await GetJsonAsync("/openapi/v3");
        var appsUrl = root["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var apps = await GetJsonAsync(appsUrl);

        // Assert
        var patch = apps["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>().Should().Be("Deployment");
        patch["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().Contain("fieldValidation");
    }

    [Fact]
    public async Task Unknown_resources_and_missing_objects_are_404_Status_objects()
    {
        // Act
        var unknown = await _http.GetAsync(new Uri("/apis/example.com/v1/widgets", UriKind.Relative));
        var missing = await _http.GetAsync(new Uri("/apis/apps/v1/namespaces/default/deployments/nope", UriKind.Relative));

        // Assert
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ReadJsonAsync(unknown))["message"]!.GetValue<string>().Should().Be("the server could not find the requested resource");
        var status = await ReadJsonAsync(missing);
        status["kind"]!.GetValue<string>().Should().Be("Status");
        status["reason"]!.GetValue<string>().Should().Be("NotFound");
        status["message"]!.GetValue<string>().Should().Be("deployments.apps \"nope\" not found");
        status["details"]!["name"]!.GetValue<string>().Should().Be("nope");
        status["code"]!.GetValue<int>().Should().Be(404);
    }

    [Fact]
    public async Task Create_get_and_list_with_a_label_selector()
    {
        // Act
        var created = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a","labels":{"app":"x"}},"data":{"k":"v"}}""", "application/json");
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "metadata:\n  name: b\n  labels:\n    app: y\n", "application/yaml");
        var list = await GetJsonAsync("/api/v1/namespaces/default/configmaps?labelSelector=app%20in%20(x)");
        var all = await GetJsonAsync("/api/v1/configmaps?fieldSelector=metadata.name%3Db");

        // Assert
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        list["kind"]!.GetValue<string>().Should().Be("ConfigMapList");
        list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Equal("a");
        all["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().Equal("b");
    }

    [Fact]
    public async Task Dry_run_create_does_not_persist()
    {
        // Act
        var response = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?dryRun=All", """{"metadata":{"name":"dry"}}""", "application/json");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        _simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "dry").Should().BeNull();
    }

    [Fact]
    public async Task A_protobuf_Secret_is_stored_and_answered_in_JSON()
    {
        // Arrange
        var body = "k8s\0"u8.ToArray()
            .Concat(Field(1, [.. Field(1, "v1"u8.ToArray()), .. Field(2, "Secret"u8.ToArray())]))
            .Concat(Field(2, [.. Field(1, Field(1, "rel"u8.ToArray())), .. Field(2, [.. Field(1, "release"u8.ToArray()), .. Field(2, "abc"u8.ToArray())])]))
            .ToArray();

        // Act
        var response = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", body, "application/vnd.kubernetes.protobuf");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        _simulator.Store.Get(ResourceTypes.Secrets, "default", "rel")!["data"]!["release"]!.GetValue<string>().Should().Be("YWJj");
    }

    [Fact]
    public async Task An_unknown_content_type_is_415_UnsupportedMediaType()
    {
        // Act
        var response = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "x", "application/x-whatever");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await ReadJsonAsync(response))["reason"]!.GetValue<string>().Should().Be("UnsupportedMediaType");
    }

    [Fact]
    public async Task Server_side_apply_creates_with_201_then_merges_with_200()
    {
        // Arrange
        const string url = "/api/v1/namespaces/default/configmaps/applied?fieldManager=helm&fieldValidation=Strict&force=false";

        // Act
        var first = await SendAsync(HttpMethod.Patch, url, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1","b":"2"}}""", "application/apply-patch+yaml");
        var second = await SendAsync(HttpMethod.Patch, url, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"3"}}""", "application/apply-patch+yaml");
        var conflict = await SendAsync(HttpMethod.Patch, url.Replace("helm", "other", StringComparison.Ordinal), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"4"}}""", "application/apply-patch+yaml");

        // Assert
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(second))["data"]!.ToJsonString().Should().Be("""{"a":"3"}""");
        conflict.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_missing_object_is_404_and_on_a_live_one_updates_it()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"p"},"data":{"a":"1"}}""", "application/json");

        // Act
        var missing = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/none", "{}", "application/strategic-merge-patch+json");
        var patched = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/p", """{"data":{"a":null,"b":"2"}}""", "application/strategic-merge-patch+json");

        // Assert
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ReadJsonAsync(patched))["data"]!.ToJsonString().Should().Be("""{"b":"2"}""");
    }

    [Fact]
    public async Task A_patch_naming_a_stale_resourceVersion_is_409_and_one_without_applies_to_the_newest_object()
    {
        // Arrange
        var created = await ReadJsonAsync(await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"rv"},"data":{"a":"1"}}""", "application/json"));
        var stale = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/rv", """{"data":{"b":"2"}}""", "application/merge-patch+json");

        // Act
        var pinned = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/rv", """{"metadata":{"resourceVersion":"RV"},"data":{"c":"3"}}""".Replace("RV", stale, StringComparison.Ordinal), "application/merge-patch+json");
        var unpinned = await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/rv", """{"data":{"c":"3"}}""", "application/merge-patch+json");

        // Assert
        pinned.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ReadJsonAsync(pinned))["message"]!.GetValue<string>().Should().StartWith("Operation cannot be fulfilled on configmaps \"rv\"");
        unpinned.StatusCode.Should().Be(HttpStatusCode.OK);
        _simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "rv")!["data"]!.ToJsonString().Should().Be("""{"a":"1","b":"2","c":"3"}""");
    }

    [Fact]
    public async Task Delete_accepts_DeleteOptions_and_cascades()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"gone"}}""", "application/json");

        // Act
        var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/gone", """{"propagationPolicy":"Background"}""", "application/json");
        var again = await SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/gone", """{"propagationPolicy":"Background"}""", "application/json");

        // Assert
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tables_are_served_when_kubectl_asks_for_them()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"t"},"data":{"a":"1","b":"2"}}""", "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?includeObject=Object");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        // Act
        var table = await ReadJsonAsync(await _http.SendAsync(request));

        // Assert
        table["kind"]!.GetValue<string>().Should().Be("Table");
        table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Should().Equal("Name", "Data", "Age");
        var row = table["rows"]!.AsArray().Single(r => r!["cells"]![0]!.GetValue<string>() == "t")!;
        row["cells"]![1]!.GetValue<int>().Should().Be(2);
        row["object"]!["kind"]!.GetValue<string>().Should().Be("ConfigMap");
    }

    [Fact]
    public async Task Watch_list_sends_current_objects_then_the_initial_events_end_bookmark_then_live_events()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"before"}}""", "application/json");
        using var watch = await OpenWatchAsync("/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=10");

        // Act
        var added = await watch.NextAsync();
        var bookmark = await watch.NextAsync();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"after"}}""", "application/json");
        var live = await watch.NextAsync();

        // Assert
        added["type"]!.GetValue<string>().Should().Be("ADDED");
        added["object"]!["metadata"]!["name"]!.GetValue<string>().Should().Be("before");
        bookmark["type"]!.GetValue<string>().Should().Be("BOOKMARK");
        bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>().Should().Be("true");
        bookmark["object"]!["kind"]!.GetValue<string>().Should().Be("ConfigMap");
        live["type"]!.GetValue<string>().Should().Be("ADDED");
        live["object"]!["metadata"]!["name"]!.GetValue<string>().Should().Be("after");
    }

    [Fact]
    public async Task A_watch_with_a_selector_sees_DELETED_when_an_object_stops_matching()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"sel","labels":{"app":"x"}}}""", "application/json");
        var version = _simulator.Store.ResourceVersion;
        using var watch = await OpenWatchAsync($"/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dx&resourceVersion={version}");

        // Act
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"other","labels":{"app":"y"}}}""", "application/json");
        await SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/sel", """{"metadata":{"labels":{"app":"z"}}}""", "application/merge-patch+json");
        var first = await watch.NextAsync();

        // Assert
        first["type"]!.GetValue<string>().Should().Be("DELETED");
        first["object"]!["metadata"]!["name"]!.GetValue<string>().Should().Be("sel");
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resourceVersion_gets_a_410_Gone_error_event()
    {
        // Arrange
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"churn"}}""", "application/json");
        for (var i = 0; i < 10001; i++)
        {
            _simulator.Store.Mutate(ResourceTypes.ConfigMaps, "default", "churn", c =>
            {
                c["data"] = new JsonObject { ["i"] = i };
                return true;
            });
        }

        // Act
        using var watch = await OpenWatchAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2");
        var error = await watch.NextAsync();

        // Assert
        error["type"]!.GetValue<string>().Should().Be("ERROR");
        error["object"]!["code"]!.GetValue<int>().Should().Be(410);
        error["object"]!["reason"]!.GetValue<string>().Should().Be("Gone");
    }

    [Fact]
    public async Task A_watch_ends_after_timeoutSeconds()
    {
        // Act
        using var watch = await OpenWatchAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1");
        var end = await watch.ReadToEndAsync();

        // Assert
        end.Should().BeTrue();
    }

    private static IEnumerable<string> Names(JsonObject list) => list["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>());

    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), (byte)value.Length, .. value];

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private async Task<JsonObject> GetJsonAsync(string path) =>
        await ReadJsonAsync(await _http.GetAsync(new Uri(path, UriKind.Relative)));

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, string contentType) =>
        SendAsync(method, path, Encoding.UTF8.GetBytes(body), contentType);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[] body, string contentType)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<WatchReader> OpenWatchAsync(string path)
    {
        var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return new WatchReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private sealed class WatchReader(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public async Task<JsonObject> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("watch ended");
            return JsonNode.Parse(line)!.AsObject();
        }

        public async Task<bool> ReadToEndAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await reader.ReadToEndAsync(timeout.Token);
            return true;
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
