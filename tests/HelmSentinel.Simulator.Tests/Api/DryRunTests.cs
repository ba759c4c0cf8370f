using System.Net;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Api;

/// <summary><c>dryRun=All</c>: the answer is what would be stored, and nothing else happens.</summary>
public sealed class DryRunTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private readonly SimulatorHttp _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task A_dry_run_create_answers_the_defaulted_object_with_its_managedFields_and_nothing_reacts()
    {
        // Arrange
        var version = _api.Simulator.Store.ResourceVersion;

        // Act
        var response = await _api.SendAsync("POST", Deployments + "?dryRun=All&fieldManager=helm", Body("dry"));
        await _api.SendAsync("POST", Deployments + "?fieldManager=helm", Body("real"));
        var events = await _api.WatchUntilAsync($"{Deployments}?watch=true&resourceVersion={version}", e => e["type"]!.GetValue<string>() == "ADDED");
        await Eventually.WaitUntilAsync(() => _api.Simulator.Store.List(ResourceTypes.ReplicaSets, "default").Count > 0, "the Deployment controller created its ReplicaSet");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var answer = await SimulatorHttp.ReadJsonAsync(response);
        answer["spec"]!["replicas"]!.GetValue<int>().Should().Be(1);
        answer["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.GetValue<string>().Should().Be("25%");
        answer["metadata"]!["uid"].Should().NotBeNull();
        SimulatorHttp.Entry(answer, "helm")!["fieldsV1"]!["f:spec"]!["f:replicas"].Should().NotBeNull();
        _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "dry").Should().BeNull();
        events.Select(e => e["object"]!["metadata"]!["name"]!.GetValue<string>()).Should().Equal("real");
        _api.Simulator.Store.List(ResourceTypes.ReplicaSets, "default").Select(rs => rs["metadata"]!["name"]!.GetValue<string>())
            .Should().OnlyContain(n => n.StartsWith("real-", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> Writes => new()
    {
        { "PUT", Body("web", replicas: 5, withStrategy: false), "application/json" },
        { "PATCH", """{"spec":{"replicas":5}}""", "application/strategic-merge-patch+json" },
        { "PATCH", """{"spec":{"replicas":5}}""", "application/merge-patch+json" },
        { "PATCH", """[{"op":"replace","path":"/spec/replicas","value":5}]""", "application/json-patch+json" },
        { "PATCH", Body("web", replicas: 5, withStrategy: false), "application/apply-patch+yaml" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_dry_run_update_answers_what_would_be_stored_and_changes_neither_the_object_nor_its_ownership(string method, string body, string contentType)
    {
        // Arrange
        await _api.SendAsync("POST", Deployments + "?fieldManager=helm", Body("web"));
        var before = _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!;

        // Act
        var response = await _api.SendAsync(method, Deployments + "/web?dryRun=All&fieldManager=kubectl-edit&force=true", body, contentType);
        var stored = _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!;
        var later = await _api.JsonAsync("PATCH", Deployments + "/web?fieldManager=helm", """{"metadata":{"labels":{"tier":"web"}}}""", "application/merge-patch+json");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await SimulatorHttp.ReadJsonAsync(response);
        answer["spec"]!["replicas"]!.GetValue<int>().Should().Be(5);
        answer["spec"]!["strategy"]!["type"]!.GetValue<string>().Should().Be("RollingUpdate", "defaults are filled");
        answer["metadata"]!["generation"]!.GetValue<int>().Should().Be(2);
        var operation = contentType == "application/apply-patch+yaml" ? "Apply" : "Update";
        SimulatorHttp.Entry(answer, "kubectl-edit", operation)!["fieldsV1"]!["f:spec"]!["f:replicas"].Should().NotBeNull();
        stored["spec"]!.ToJsonString().Should().Be(before["spec"]!.ToJsonString());
        stored["metadata"]!["generation"]!.ToJsonString().Should().Be("1");
        stored["metadata"]!["managedFields"]!.ToJsonString().Should().Be(before["metadata"]!["managedFields"]!.ToJsonString());
        SimulatorHttp.Entry(later, "kubectl-edit", operation).Should().BeNull("the dry run recorded no ownership");
        SimulatorHttp.Entry(later, "helm")!["fieldsV1"]!["f:spec"]!["f:replicas"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_dry_run_apply_that_creates_answers_201_and_stores_nothing()
    {
        // Act
        var response = await _api.SendAsync("PATCH", "/api/v1/namespaces/default/configmaps/c?dryRun=All&fieldManager=helm",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""", "application/apply-patch+yaml");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        SimulatorHttp.Entry(await SimulatorHttp.ReadJsonAsync(response), "helm", "Apply").Should().NotBeNull();
        _api.Simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "c").Should().BeNull();
    }

    [Fact]
    public async Task A_dry_run_forced_apply_hands_no_field_over()
    {
        // Arrange
        const string url = "/api/v1/namespaces/default/configmaps/c";
        await _api.SendAsync("PATCH", url + "?fieldManager=helm", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""", "application/apply-patch+yaml");

        // Act
        var forced = await _api.SendAsync("PATCH", url + "?fieldManager=other&force=true&dryRun=All", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"2"}}""", "application/apply-patch+yaml");
        var unforced = await _api.SendAsync("PATCH", url + "?fieldManager=other", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"2"}}""", "application/apply-patch+yaml");

        // Assert
        forced.StatusCode.Should().Be(HttpStatusCode.OK);
        unforced.StatusCode.Should().Be(HttpStatusCode.Conflict, "helm still owns data.a");
        _api.Simulator.Store.Get(ResourceTypes.ConfigMaps, "default", "c")!["data"]!["a"]!.GetValue<string>().Should().Be("1");
    }

    [Fact]
    public async Task A_dry_run_scale_changes_nothing()
    {
        // Arrange
        await _api.SendAsync("POST", Deployments, Body("web"));

        // Act
        var scale = await _api.JsonAsync("PATCH", Deployments + "/web/scale?dryRun=All", """{"spec":{"replicas":7}}""", "application/merge-patch+json");

        // Assert
        scale["spec"]!["replicas"]!.GetValue<long>().Should().Be(7);
        _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!["spec"]!["replicas"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_dry_run_create_is_validated_like_a_real_one()
    {
        // Act
        var response = await _api.SendAsync("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", """{"metadata":{"name":"Not_Valid"}}""");

        // Assert
        response.StatusCode.Should().Be((HttpStatusCode)422);
        (await SimulatorHttp.ReadJsonAsync(response))["message"]!.GetValue<string>().Should().StartWith("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value");
    }

    private static string Body(string name, int replicas = 1, bool withStrategy = true) =>
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":REPLICAS,STRATEGY"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}"""
            .Replace("NAME", name, StringComparison.Ordinal)
            .Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("STRATEGY", withStrategy ? "\"strategy\":{\"type\":\"RollingUpdate\"}," : string.Empty, StringComparison.Ordinal);

}
