using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Storage;

public sealed class ObjectStoreTests
{
    private readonly ObjectStore _store = new(TimeProvider.System);

    public ObjectStoreTests()
    {
        _store.Create(ResourceTypes.Namespaces, null, Named("default"));
    }

    [Fact]
    public void Create_fills_uid_resource_version_generation_and_namespace()
    {
        // Act
        var created = _store.Create(ResourceTypes.ConfigMaps, "default", Named("settings"));

        // Assert
        created["metadata"]!["uid"]!.GetValue<string>().Should().NotBeEmpty();
        created["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be(_store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        created["metadata"]!["generation"]!.GetValue<int>().Should().Be(1);
        created["metadata"]!["namespace"]!.GetValue<string>().Should().Be("default");
        created["metadata"]!["creationTimestamp"].Should().NotBeNull();
        created["kind"]!.GetValue<string>().Should().Be("ConfigMap");
    }

    [Fact]
    public void Create_fills_the_apiserver_defaults_helm_relies_on()
    {
        // Act
        var deployment = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.27"));
        var service = _store.Create(ResourceTypes.Services, "default", JsonNode.Parse("""{"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""")!.AsObject());

        // Assert
        deployment["spec"]!["replicas"]!.GetValue<int>().Should().Be(1);
        deployment["spec"]!["progressDeadlineSeconds"]!.GetValue<int>().Should().Be(600);
        deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<string>().Should().Be("25%");
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]!.GetValue<string>().Should().Be("IfNotPresent");
        service["spec"]!["clusterIP"]!.GetValue<string>().Should().StartWith("10.96.");
        service["spec"]!["ports"]![0]!["protocol"]!.GetValue<string>().Should().Be("TCP");
        service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>().Should().Be(80);
    }

    [Fact]
    public void Create_twice_is_AlreadyExists_and_in_a_missing_namespace_is_NotFound()
    {
        // Arrange
        _store.Create(ResourceTypes.ConfigMaps, "default", Named("a"));

        // Act
        var twice = () => _store.Create(ResourceTypes.ConfigMaps, "default", Named("a"));
        var missing = () => _store.Create(ResourceTypes.ConfigMaps, "nowhere", Named("a"));
        var nameless = () => _store.Create(ResourceTypes.ConfigMaps, "default", new JsonObject());

        // Assert
        twice.Should().Throw<ApiException>().Where(e => e.Code == 409 && e.Reason == "AlreadyExists" && e.Message == "configmaps \"a\" already exists");
        missing.Should().Throw<ApiException>().Where(e => e.Code == 404 && e.Message == "namespaces \"nowhere\" not found");
        nameless.Should().Throw<ApiException>().Where(e => e.Code == 422 && e.Reason == "Invalid");
    }

    [Fact]
    public void Update_bumps_generation_only_when_spec_changes()
    {
        // Arrange
        var created = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.26"));

        // Act
        var relabelled = created.DeepClone().AsObject();
        relabelled["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        var afterLabel = _store.Update(ResourceTypes.Deployments, "default", relabelled);
        var retagged = afterLabel.DeepClone().AsObject();
        retagged["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.27";
        var afterImage = _store.Update(ResourceTypes.Deployments, "default", retagged);

        // Assert
        afterLabel["metadata"]!["generation"]!.ToJsonString().Should().Be("1");
        afterImage["metadata"]!["generation"]!.ToJsonString().Should().Be("2");
        afterImage["metadata"]!["uid"]!.GetValue<string>().Should().Be(created["metadata"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public void Update_with_a_stale_resourceVersion_is_a_Conflict()
    {
        // Arrange
        var created = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.26"));
        _store.Mutate(ResourceTypes.Deployments, "default", "web", d =>
        {
            d["spec"]!["replicas"] = 2;
            return true;
        });

        // Act
        var stale = () => _store.Update(ResourceTypes.Deployments, "default", created);

        // Assert
        stale.Should().Throw<ApiException>().Where(e => e.Code == 409 && e.Message ==
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public void Update_of_status_only_replaces_status_and_keeps_generation()
    {
        // Arrange
        var created = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.26"));
        var withStatus = created.DeepClone().AsObject();
        withStatus["status"] = new JsonObject { ["readyReplicas"] = 1 };
        withStatus["spec"]!["replicas"] = 5;

        // Act
        var updated = _store.Update(ResourceTypes.Deployments, "default", withStatus, statusOnly: true);

        // Assert
        updated["status"]!["readyReplicas"]!.GetValue<int>().Should().Be(1);
        updated["spec"]!["replicas"]!.GetValue<int>().Should().Be(1);
        updated["metadata"]!["generation"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Delete_collects_dependents_recursively_and_emits_DELETED_for_each()
    {
        // Arrange
        var deployment = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.27"));
        var rs = _store.Create(ResourceTypes.ReplicaSets, "default", Owned("web-1", deployment));
        _store.Create(ResourceTypes.Pods, "default", Owned("web-1-a", rs));
        var deleted = new List<string>();
        using var subscription = _store.Subscribe(e =>
        {
            if (e.Type == "DELETED")
            {
                deleted.Add(e.Object["metadata"]!["name"]!.GetValue<string>());
            }
        });

        // Act
        _store.Delete(ResourceTypes.Deployments, "default", "web");

        // Assert
        deleted.Should().Equal("web", "web-1", "web-1-a");
        _store.List(ResourceTypes.Pods, null).Should().BeEmpty();
    }

    [Fact]
    public void Delete_in_the_foreground_deletes_dependents_before_their_owner()
    {
        // Arrange
        var deployment = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.27"));
        var rs = _store.Create(ResourceTypes.ReplicaSets, "default", Owned("web-1", deployment));
        _store.Create(ResourceTypes.Pods, "default", Owned("web-1-a", rs));
        using var deleted = DeletedNames();

        // Act
        _store.Delete(ResourceTypes.Deployments, "default", "web", DeletePropagation.Foreground);

        // Assert
        deleted.Names.Should().Equal("web-1-a", "web-1", "web");
    }

    [Fact]
    public void Delete_with_Orphan_keeps_dependents_and_removes_only_the_owner_reference_to_the_deleted_object()
    {
        // Arrange
        var deployment = _store.Create(ResourceTypes.Deployments, "default", Deployment("web", "nginx:1.27"));
        var rs = _store.Create(ResourceTypes.ReplicaSets, "default", Owned("web-1", deployment));
        _store.Create(ResourceTypes.Pods, "default", Owned("web-1-a", rs));
        var other = _store.Create(ResourceTypes.ConfigMaps, "default", Named("other-owner"));
        var twoOwners = Owned("two-owners", rs);
        twoOwners["metadata"]!["ownerReferences"]!.AsArray().Add(Owned("x", other)["metadata"]!["ownerReferences"]![0]!.DeepClone());
        _store.Create(ResourceTypes.ConfigMaps, "default", twoOwners);
        var seen = new List<string>();
        using var subscription = _store.Subscribe(e => seen.Add(e.Type + " " + e.Object["metadata"]!["name"]!.GetValue<string>()));

        // Act
        _store.Delete(ResourceTypes.ReplicaSets, "default", "web-1", DeletePropagation.Orphan);

        // Assert
        seen.Should().BeEquivalentTo(["MODIFIED web-1-a", "MODIFIED two-owners", "DELETED web-1"], o => o.WithoutStrictOrdering());
        seen[^1].Should().Be("DELETED web-1", "dependents are orphaned before the owner goes");
        _store.Get(ResourceTypes.Pods, "default", "web-1-a")!["metadata"]!["ownerReferences"].Should().BeNull();
        var left = _store.Get(ResourceTypes.ConfigMaps, "default", "two-owners")!["metadata"]!["ownerReferences"]!.AsArray();
        left.Select(r => r!["name"]!.GetValue<string>()).Should().Equal("other-owner");
        _store.Get(ResourceTypes.Deployments, "default", "web").Should().NotBeNull("the owner's owner is not touched");
    }

    [Theory]
    [InlineData(DeletePropagation.Background)]
    [InlineData(DeletePropagation.Foreground)]
    [InlineData(DeletePropagation.Orphan)]
    public void Delete_ends_on_an_ownership_cycle(DeletePropagation propagation)
    {
        // Arrange: a owns b, b owns a
        var a = _store.Create(ResourceTypes.ConfigMaps, "default", Named("a"));
        var b = _store.Create(ResourceTypes.ConfigMaps, "default", Owned("b", a));
        _store.Mutate(ResourceTypes.ConfigMaps, "default", "a", o =>
        {
            o["metadata"]!["ownerReferences"] = Owned("a", b)["metadata"]!["ownerReferences"]!.DeepClone();
            return true;
        });

        // Act
        var gone = _store.Delete(ResourceTypes.ConfigMaps, "default", "a", propagation);

        // Assert
        gone.Should().NotBeNull();
        _store.Get(ResourceTypes.ConfigMaps, "default", "a").Should().BeNull();
        (_store.Get(ResourceTypes.ConfigMaps, "default", "b") is null).Should().Be(propagation != DeletePropagation.Orphan);
    }

    [Fact]
    public void Subscribers_see_changes_in_resourceVersion_order()
    {
        // Arrange
        var seen = new List<(string, long)>();
        using var subscription = _store.Subscribe(e => seen.Add((e.Type, e.ResourceVersion)));

        // Act
        _store.Create(ResourceTypes.ConfigMaps, "default", Named("a"));
        _store.Mutate(ResourceTypes.ConfigMaps, "default", "a", c =>
        {
            c["data"] = new JsonObject { ["k"] = "v" };
            return true;
        });
        _store.Mutate(ResourceTypes.ConfigMaps, "default", "a", _ => false);
        _store.Delete(ResourceTypes.ConfigMaps, "default", "a");

        // Assert
        seen.Select(s => s.Item1).Should().Equal("ADDED", "MODIFIED", "DELETED");
        seen.Select(s => s.Item2).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void EventsSince_returns_later_changes_and_410_Gone_beyond_the_retained_window()
    {
        // Arrange
        var start = _store.ResourceVersion;
        _store.Create(ResourceTypes.ConfigMaps, "default", Named("first"));
        var afterFirst = _store.ResourceVersion;
        _store.Create(ResourceTypes.ConfigMaps, "default", Named("second"));

        // Act
        var since = _store.EventsSince(afterFirst);
        for (var i = 0; i < 10001; i++)
        {
            _store.Mutate(ResourceTypes.ConfigMaps, "default", "first", c =>
            {
                c["data"] = new JsonObject { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                return true;
            });
        }

        var tooOld = () => _store.EventsSince(start);

        // Assert
        since.Should().ContainSingle().Which.Object["metadata"]!["name"]!.GetValue<string>().Should().Be("second");
        tooOld.Should().Throw<ApiException>().Where(e => e.Code == 410 && e.Reason == "Gone");
    }

    private DeletedRecorder DeletedNames() => new(_store);

    private sealed class DeletedRecorder : IDisposable
    {
        private readonly IDisposable _subscription;

        public DeletedRecorder(ObjectStore store) => _subscription = store.Subscribe(e =>
        {
            if (e.Type == "DELETED")
            {
                Names.Add(e.Object["metadata"]!["name"]!.GetValue<string>());
            }
        });

        public List<string> Names { get; } = [];

        public void Dispose() => _subscription.Dispose();
    }

    private static JsonObject Named(string name) => new() { ["metadata"] = new JsonObject { ["name"] = name } };

    private static JsonObject Owned(string name, JsonObject owner) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = owner["apiVersion"]!.GetValue<string>(),
                ["kind"] = owner["kind"]!.GetValue<string>(),
                ["name"] = owner["metadata"]!["name"]!.GetValue<string>(),
                ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(),
                ["controller"] = true,
            }),
        },
        ["spec"] = new JsonObject(),
    };

    internal static JsonObject Deployment(string name, string image) => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},
         "spec":{"selector":{"matchLabels":{"app":"NAME"}},
                 "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject();
}
