using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class ManagedFieldsTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private const string Deployment =
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}""";

    private readonly SimulatorHttp _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task A_create_is_an_Update_entry_of_every_field_it_set_including_the_defaults_and_GET_LIST_and_WATCH_return_it()
    {
        // Act
        var created = await _api.JsonAsync("POST", Deployments + "?fieldManager=helm", Deployment);
        var got = await _api.GetAsync(Deployments + "/web");
        var listed = (await _api.GetAsync(Deployments))["items"]![0]!.AsObject();
        var watched = await _api.WatchUntilAsync(Deployments + "?watch=true", _ => true);

        // Assert
        var entry = SimulatorHttp.Entry(got, "helm")!;
        entry["apiVersion"]!.GetValue<string>().Should().Be("apps/v1");
        entry["fieldsType"]!.GetValue<string>().Should().Be("FieldsV1");
        entry["time"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        entry.ContainsKey("subresource").Should().BeFalse();
        var fields = entry["fieldsV1"]!;
        fields["f:metadata"]!["f:labels"]!.ToJsonString().Should().Be("""{".":{},"f:app":{}}""");
        fields["f:spec"]!["f:replicas"]!.ToJsonString().Should().Be("{}");
        fields["f:spec"]!["f:progressDeadlineSeconds"].Should().NotBeNull("an Update owns the defaults filled into what it wrote");
        var container = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"web\"}"]!;
        container["."].Should().NotBeNull();
        container["f:name"].Should().NotBeNull();
        container["f:image"].Should().NotBeNull();
        fields.AsObject().ContainsKey("f:status").Should().BeFalse();
        created["metadata"]!["managedFields"]!.ToJsonString().Should().Be(got["metadata"]!["managedFields"]!.ToJsonString());
        listed["metadata"]!["managedFields"]!.ToJsonString().Should().Be(got["metadata"]!["managedFields"]!.ToJsonString());
        SimulatorHttp.Entry(watched[0]["object"]!.AsObject(), "helm").Should().NotBeNull();
    }

    [Fact]
    public async Task Without_fieldManager_the_manager_is_the_User_Agent_product_and_scale_and_status_writes_are_subresource_entries()
    {
        // Arrange
        await _api.SendAsync("POST", Deployments, Deployment, userAgent: "kubectl/v1.32.3 (linux/amd64) kubernetes/67a30c0");

        // Act
        await _api.SendAsync("PATCH", Deployments + "/web/scale", """{"spec":{"replicas":3}}""", "application/merge-patch+json", "kubectl/v1.32.3 (linux/amd64) kubernetes/67a30c0");
        await _api.SendAsync("PATCH", Deployments + "/web/status?fieldManager=probe", """{"status":{"observedGeneration":7}}""", "application/merge-patch+json");
        var got = await _api.GetAsync(Deployments + "/web");

        // Assert
        var entries = got["metadata"]!["managedFields"]!.AsArray().Select(e => (e!["manager"]!.GetValue<string>(), e["subresource"]?.GetValue<string>())).ToList();
        entries.Should().Equal(("kubectl", null), ("kubectl", "scale"), ("probe", "status"));
        var scale = got["metadata"]!["managedFields"]![1]!["fieldsV1"]!;
        scale.ToJsonString().Should().Be("""{"f:spec":{"f:replicas":{}}}""");
        got["metadata"]!["managedFields"]![0]!["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas").Should().BeFalse();
        got["metadata"]!["managedFields"]![2]!["fieldsV1"]!.ToJsonString().Should().Be("""{"f:status":{"f:observedGeneration":{}}}""");
    }

    [Fact]
    public async Task A_patch_by_another_manager_takes_replicas_from_helm_and_an_apply_entry_owns_only_what_was_applied()
    {
        // Arrange: Helm 4 applies, Helm 3 creates
        await _api.SendAsync("PATCH", Deployments + "/web?fieldManager=helm&force=false", Deployment, "application/apply-patch+yaml");
        await _api.SendAsync("POST", Deployments + "?fieldManager=helm", Deployment.Replace("\"web\"", "\"api\"", StringComparison.Ordinal));

        // Act
        await _api.SendAsync("PATCH", Deployments + "/web?fieldManager=kubectl-edit", """{"spec":{"replicas":4}}""", "application/strategic-merge-patch+json");
        await _api.SendAsync("PATCH", Deployments + "/api?fieldManager=kubectl-edit", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        var applied = await _api.GetAsync(Deployments + "/web");
        var created = await _api.GetAsync(Deployments + "/api");

        // Assert
        foreach (var (obj, operation) in new[] { (applied, "Apply"), (created, "Update") })
        {
            SimulatorHttp.Entry(obj, "kubectl-edit")!["fieldsV1"]!.ToJsonString().Should().Be("""{"f:spec":{"f:replicas":{}}}""");
            var helm = SimulatorHttp.Entry(obj, "helm", operation)!;
            helm["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:replicas").Should().BeFalse();
            helm["fieldsV1"]!["f:spec"]!["f:template"].Should().NotBeNull();
        }

        SimulatorHttp.Entry(applied, "helm", "Apply")!["fieldsV1"]!["f:spec"]!.AsObject().ContainsKey("f:progressDeadlineSeconds")
            .Should().BeFalse("an apply owns what it applied, not the defaults");
    }

    [Fact]
    public async Task Controller_writes_leave_managedFields_alone_and_their_objects_have_none()
    {
        // Arrange
        await _api.SendAsync("POST", Deployments + "?fieldManager=helm", Deployment);
        var before = (await _api.GetAsync(Deployments + "/web"))["metadata"]!["managedFields"]!.ToJsonString();

        // Act: the Deployment controller writes the status and creates the ReplicaSet, directly through the store
        var events = await _api.WatchUntilAsync(Deployments + "?watch=true", e => e["object"]!["status"]?["readyReplicas"]?.GetValue<int>() == 1);
        var replicaSets = _api.Simulator.Store.List(ResourceTypes.ReplicaSets, "default");

        // Assert
        events.Select(e => e["object"]!["metadata"]!["managedFields"]!.ToJsonString()).Should().AllBe(before);
        replicaSets.Should().NotBeEmpty().And.OnlyContain(rs => rs["metadata"]!["managedFields"] == null);
    }

    [Fact]
    public async Task A_repeated_apply_of_the_same_configuration_changes_nothing()
    {
        // Arrange
        var first = await _api.JsonAsync("PATCH", "/api/v1/namespaces/default/configmaps/c?fieldManager=helm", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""", "application/apply-patch+yaml");

        // Act
        var second = await _api.JsonAsync("PATCH", "/api/v1/namespaces/default/configmaps/c?fieldManager=helm", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""", "application/apply-patch+yaml");

        // Assert
        second["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be(first["metadata"]!["resourceVersion"]!.GetValue<string>());
        SimulatorHttp.Entry(second, "helm", "Apply")!["fieldsV1"]!.ToJsonString().Should().Be("""{"f:data":{".":{},"f:a":{}}}""");
    }
}
