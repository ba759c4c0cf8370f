using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Simulator.Tests.Api;

/// <summary>
/// DELETE with each way a client can say what happens to dependents (a DeleteOptions body in JSON or protobuf, the
/// <c>propagationPolicy</c> or <c>orphanDependents</c> query parameter), on a Job whose pod cannot pull its image: the
/// state a hook of an interrupted upgrade is left in.
/// </summary>
public sealed class DeletePropagationTests : IAsyncLifetime
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";

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

    public static TheoryData<string, string, string?, string?> Removing => new()
    {
        { "json-background", "", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}""", "application/json" },
        { "json-foreground", "", """{"propagationPolicy":"Foreground"}""", "application/json" },
        { "json-orphan-false", "", """{"orphanDependents":false}""", "application/json" },
        { "proto-background", "", "Background", "application/vnd.kubernetes.protobuf" },
        { "query-background", "?propagationPolicy=Background", null, null },
        { "query-orphan-false", "?orphanDependents=false", null, null },
    };

    public static TheoryData<string, string, string?, string?> Orphaning => new()
    {
        { "json-orphan", "", """{"propagationPolicy":"Orphan"}""", "application/json" },
        { "json-orphan-true", "", """{"orphanDependents":true}""", "application/json" },
        { "proto-orphan", "", "Orphan", "application/vnd.kubernetes.protobuf" },
        { "query-orphan", "?propagationPolicy=Orphan", null, null },
        { "body-wins", "?propagationPolicy=Background", """{"propagationPolicy":"Orphan"}""", "application/json" },
    };

    [Theory]
    [MemberData(nameof(Removing))]
    public async Task Deleting_a_Job_in_the_background_or_foreground_removes_its_pods(string job, string query, string? body, string? contentType)
    {
        // Arrange
        await RunningJobAsync(job);

        // Act
        using var response = await DeleteAsync(Jobs + "/" + job + query, body, contentType);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.Contains("Warning").Should().BeFalse("the client chose a policy");
        _simulator.Store.Get(ResourceTypes.Jobs, "default", job).Should().BeNull();
        PodsOf(job).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Orphaning))]
    public async Task Deleting_a_Job_with_Orphan_keeps_its_pods_without_the_owner_reference(string job, string query, string? body, string? contentType)
    {
        // Arrange
        await RunningJobAsync(job);

        // Act
        using var response = await DeleteAsync(Jobs + "/" + job + query, body, contentType);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _simulator.Store.Get(ResourceTypes.Jobs, "default", job).Should().BeNull();
        var pods = PodsOf(job);
        pods.Should().ContainSingle();
        pods[0]["metadata"]!["ownerReferences"].Should().BeNull();
    }

    [Fact]
    public async Task Deleting_a_Job_without_options_orphans_its_pods_and_warns_as_batch_v1_does()
    {
        // Arrange
        await RunningJobAsync("plain");

        // Act
        using var response = await DeleteAsync(Jobs + "/plain", null, null);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Warning").Should().Equal(
            "299 - \"child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning\"");
        PodsOf("plain").Should().ContainSingle();
    }

    [Fact]
    public async Task Deleting_a_ReplicaSet_without_options_removes_its_pods()
    {
        // Arrange
        await PostAsync("/apis/apps/v1/namespaces/default/replicasets", """
            {"metadata":{"name":"rs"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"rs"}},
             "template":{"metadata":{"labels":{"app":"rs"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}
            """);
        await WaitUntilAsync(() => _simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]!["name"]!.GetValue<string>().StartsWith("rs-", StringComparison.Ordinal)).Count == 1, "the ReplicaSet has its pod");

        // Act
        using var response = await DeleteAsync("/apis/apps/v1/namespaces/default/replicasets/rs", null, null);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Contains("Warning").Should().BeFalse();
        _simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]!["name"]!.GetValue<string>().StartsWith("rs-", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"propagationPolicy":"Sideways"}""", "propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")]
    [InlineData("""{"propagationPolicy":"Background","orphanDependents":false}""", "orphanDependents and deletionPropagation cannot be both set")]
    public async Task Invalid_DeleteOptions_are_422_and_delete_nothing(string body, string error)
    {
        // Arrange
        await RunningJobAsync("kept");

        // Act
        using var response = await DeleteAsync(Jobs + "/kept", body, "application/json");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        status["reason"]!.GetValue<string>().Should().Be("Invalid");
        status["message"]!.GetValue<string>().Should().StartWith("DeleteOptions.meta.k8s.io \"\" is invalid: ").And.Contain(error);
        _simulator.Store.Get(ResourceTypes.Jobs, "default", "kept").Should().NotBeNull();
        PodsOf("kept").Should().ContainSingle();
    }

    [Fact]
    public async Task Deletecollection_applies_the_policy_to_each_Job()
    {
        // Arrange
        await RunningJobAsync("batch-a");
        await RunningJobAsync("batch-b");

        // Act
        using var response = await DeleteAsync(Jobs + "?propagationPolicy=Background", null, null);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _simulator.Store.List(ResourceTypes.Jobs, "default").Should().BeEmpty();
        PodsOf("batch-a").Should().BeEmpty();
        PodsOf("batch-b").Should().BeEmpty();
    }

    /// <summary>A Job whose one pod is stuck pulling an image that does not exist, as a broken hook is.</summary>
    private async Task RunningJobAsync(string name)
    {
        await PostAsync(Jobs, """
            {"metadata":{"name":"NAME"},"spec":{"backoffLimit":1,"template":{"spec":{"restartPolicy":"Never",
             "containers":[{"name":"migrate","image":"registry.example/missing:1"}]}}}}
            """.Replace("NAME", name, StringComparison.Ordinal));
        await WaitUntilAsync(() => PodsOf(name).Count == 1, $"Job {name} has its pod");
    }

    private IReadOnlyList<JsonObject> PodsOf(string job) =>
        _simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]?["labels"]?["job-name"]?.GetValue<string>() == job);

    private async Task PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> DeleteAsync(string path, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            var bytes = contentType == "application/vnd.kubernetes.protobuf" ? ProtobufDeleteOptions(body) : Encoding.UTF8.GetBytes(body);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>What client-go sends for <c>DeleteOptions{PropagationPolicy: policy}</c> in protobuf: the k8s magic, then a
    /// runtime.Unknown with the TypeMeta (field 1) and the raw DeleteOptions (field 2, propagationPolicy is its field 4).</summary>
    private static byte[] ProtobufDeleteOptions(string policy)
    {
        byte[] typeMeta = [.. Field(1, Encoding.UTF8.GetBytes("meta.k8s.io/v1")), .. Field(2, Encoding.UTF8.GetBytes("DeleteOptions"))];
        byte[] options = Field(4, Encoding.UTF8.GetBytes(policy));
        return [.. "k8s\0"u8.ToArray(), .. Field(1, typeMeta), .. Field(2, options)];
    }

    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), (byte)value.Length, .. value];
}
