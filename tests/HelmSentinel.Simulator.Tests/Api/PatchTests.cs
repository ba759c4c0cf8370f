using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api.Patching;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class PatchTests
{
    private static readonly JsonObject Live = Parse("""
        {"metadata":{"name":"web","labels":{"a":"1","b":"2"},"finalizers":["x"]},
         "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
                 "template":{"spec":{
                   "containers":[
                     {"name":"app","image":"nginx:1.26","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                      "ports":[{"containerPort":80,"protocol":"TCP"}]},
                     {"name":"sidecar","image":"busybox"}],
                   "volumes":[{"name":"data","emptyDir":{}}],
                   "tolerations":[{"key":"k1"}]}}}}
        """);

    [Fact]
    public void Strategic_merge_merges_containers_by_name_and_honours_setElementOrder()
    {
        // Arrange: the body Helm 3 sends on an image upgrade
        var patch = Parse("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"image":"nginx:1.27","name":"app"}]}}}}""");

        // Act
        var result = StrategicMergePatch.Apply(Live, patch);

        // Assert
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers.Select(c => c!["name"]!.GetValue<string>()).Should().Equal("sidecar", "app");
        containers[1]!["image"]!.GetValue<string>().Should().Be("nginx:1.27");
        containers[1]!["env"]!.AsArray().Should().HaveCount(2, "unmentioned fields of a merged item stay");
    }

    [Fact]
    public void Strategic_merge_deletes_list_items_and_map_keys()
    {
        // Arrange
        var patch = Parse("""
            {"metadata":{"labels":{"b":null}},
             "spec":{"strategy":{"rollingUpdate":{"$patch":"delete"}},
                     "template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"},
                                                      {"name":"app","env":[{"name":"A","$patch":"delete"},{"name":"C","value":"3"}]}]}}}}
            """);

        // Act
        var result = StrategicMergePatch.Apply(Live, patch);

        // Assert
        result["metadata"]!["labels"]!.AsObject().Select(p => p.Key).Should().Equal("a");
        result["spec"]!["strategy"]!.AsObject().ContainsKey("rollingUpdate").Should().BeFalse();
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers.Should().ContainSingle();
        containers[0]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).Should().Equal("B", "C");
    }

    [Fact]
    public void Strategic_merge_replace_directive_replaces_maps_and_lists()
    {
        // Arrange
        var patch = Parse("""
            {"spec":{"strategy":{"$patch":"replace","type":"Recreate"},
                     "template":{"spec":{"volumes":[{"$patch":"replace"},{"name":"cache","emptyDir":{}}]}}}}
            """);

        // Act
        var result = StrategicMergePatch.Apply(Live, patch);

        // Assert
        result["spec"]!["strategy"]!.ToJsonString().Should().Be("""{"type":"Recreate"}""");
        result["spec"]!["template"]!["spec"]!["volumes"]!.ToJsonString().Should().Be("""[{"name":"cache","emptyDir":{}}]""");
    }

    [Fact]
    public void Strategic_merge_retainKeys_and_deleteFromPrimitiveList()
    {
        // Arrange
        var patch = Parse("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["x"]},
             "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}
            """);

        // Act
        var result = StrategicMergePatch.Apply(Live, patch);

        // Assert
        result["metadata"]!["finalizers"]!.AsArray().Should().BeEmpty();
        result["spec"]!["strategy"]!.ToJsonString().Should().Be("""{"type":"Recreate"}""");
    }

    [Fact]
    public void Strategic_merge_replaces_lists_without_a_merge_key_and_merges_ports_by_containerPort()
    {
        // Arrange
        var patch = Parse("""
            {"spec":{"template":{"spec":{"tolerations":[{"key":"k2"}],
              "containers":[{"name":"app","ports":[{"containerPort":80,"name":"http"},{"containerPort":443}]}]}}}}
            """);

        // Act
        var result = StrategicMergePatch.Apply(Live, patch);

        // Assert
        result["spec"]!["template"]!["spec"]!["tolerations"]!.ToJsonString().Should().Be("""[{"key":"k2"}]""");
        result["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!.ToJsonString()
            .Should().Be("""[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":443}]""");
    }

    [Fact]
    public void Json_merge_patch_follows_RFC_7386()
    {
        // Arrange
        var target = Parse("""{"a":"b","c":{"d":"e","f":"g"},"list":[1,2]}""");
        var patch = Parse("""{"a":"z","c":{"f":null},"list":[3]}""");

        // Act
        var result = JsonMergePatch.Apply(target, patch);

        // Assert
        result!.ToJsonString().Should().Be("""{"a":"z","c":{"d":"e"},"list":[3]}""");
    }

    [Fact]
    public void Json_patch_applies_every_RFC_6902_operation()
    {
        // Arrange
        var target = Parse("""{"spec":{"replicas":1,"list":["a","b"]},"metadata":{"labels":{"x/y":"1"}}}""");
        var ops = JsonNode.Parse("""
            [{"op":"test","path":"/spec/replicas","value":1},
             {"op":"replace","path":"/spec/replicas","value":3},
             {"op":"add","path":"/spec/list/1","value":"inserted"},
             {"op":"add","path":"/spec/list/-","value":"last"},
             {"op":"remove","path":"/spec/list/0"},
             {"op":"copy","from":"/metadata/labels/x~1y","path":"/metadata/labels/copied"},
             {"op":"move","from":"/metadata/labels/x~1y","path":"/metadata/labels/moved"}]
            """)!.AsArray();

        // Act
        var result = JsonPatch.Apply(target, ops);

        // Assert
        result.ToJsonString().Should().Be("""{"spec":{"replicas":3,"list":["inserted","b","last"]},"metadata":{"labels":{"copied":"1","moved":"1"}}}""");
    }

    [Fact]
    public void Json_patch_works_on_top_level_fields()
    {
        // Act
        var result = JsonPatch.Apply(Parse("""{"a":1}"""), JsonNode.Parse("""[{"op":"add","path":"/b","value":2},{"op":"remove","path":"/a"}]""")!.AsArray());

        // Assert
        result.ToJsonString().Should().Be("""{"b":2}""");
    }

    [Fact]
    public void Json_patch_test_failure_is_Invalid()
    {
        // Act
        var apply = () => JsonPatch.Apply(Parse("""{"a":1}"""), JsonNode.Parse("""[{"op":"test","path":"/a","value":2}]""")!.AsArray());

        // Assert
        apply.Should().Throw<ApiException>().Where(e => e.Code == 422);
    }

    [Fact]
    public void Server_side_apply_merges_removes_dropped_fields_and_reports_conflicts()
    {
        // Arrange
        var ssa = new FieldOwnership();
        var live = Parse("""{"metadata":{"name":"cm","uid":"u1"},"data":{"a":"1","b":"2"}}""");
        ssa.RecordApply("helm", "v1", Parse("""{"metadata":{"name":"cm"},"data":{"a":"1","b":"2"}}"""), DateTimeOffset.UnixEpoch);

        // Act
        var merged = ssa.Merge(ResourceTypes.ConfigMaps, live, Parse("""{"metadata":{"name":"cm"},"data":{"a":"10"}}"""), "helm", force: false);
        ssa.RecordApply("helm", "v1", Parse("""{"metadata":{"name":"cm"},"data":{"a":"10"}}"""), DateTimeOffset.UnixEpoch);
        var conflict = Record.Exception(() => ssa.Merge(ResourceTypes.ConfigMaps, merged, Parse("""{"metadata":{"name":"cm"},"data":{"a":"99"}}"""), "kubectl", force: false));
        var forced = ssa.Merge(ResourceTypes.ConfigMaps, merged, Parse("""{"metadata":{"name":"cm"},"data":{"a":"99"}}"""), "kubectl", force: true);

        // Assert
        merged["data"]!.ToJsonString().Should().Be("""{"a":"10"}""");
        conflict.Should().BeOfType<ApiException>().Which.Code.Should().Be(409);
        conflict!.Message.Should().Be("Apply failed with 1 conflict: conflict with \"helm\" using v1: .data.a");
        forced["data"]!["a"]!.GetValue<string>().Should().Be("99");
    }

    [Fact]
    public void Server_side_apply_conflicts_with_a_field_another_manager_changed_by_an_ordinary_write()
    {
        // Arrange
        var ssa = new FieldOwnership();
        var created = Parse("""{"metadata":{"name":"d","uid":"u2"},"spec":{"replicas":1}}""");
        ssa.RecordApply("helm", "apps/v1", Parse("""{"metadata":{"name":"d"},"spec":{"replicas":1}}"""), DateTimeOffset.UnixEpoch);
        var scaled = Parse("""{"metadata":{"name":"d","uid":"u2"},"spec":{"replicas":3}}""");
        ssa.RecordUpdate("kubectl", "scale", "apps/v1", created, scaled, DateTimeOffset.UnixEpoch);

        // Act
        var conflict = Record.Exception(() => ssa.Merge(ResourceTypes.Deployments, scaled, Parse("""{"metadata":{"name":"d"},"spec":{"replicas":1}}"""), "helm", force: false));
        var sameValue = ssa.Merge(ResourceTypes.Deployments, scaled, Parse("""{"metadata":{"name":"d"},"spec":{"replicas":3}}"""), "helm", force: false);

        // Assert
        conflict!.Message.Should().Be("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
        sameValue["spec"]!["replicas"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public void Managed_fields_render_the_owned_leaves_as_FieldsV1_with_merge_keys_and_map_markers()
    {
        // Arrange
        var ownership = new FieldOwnership();
        var deployment = Parse("""
            {"metadata":{"name":"web","uid":"u3","labels":{"app":"web"}},
             "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}]}}}}
            """);

        // Act
        ownership.RecordUpdate("helm", null, "apps/v1", null, deployment, new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));
        var managed = ownership.ManagedFields();

        // Assert
        managed.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Should().Be("""
            [{"manager":"helm","operation":"Update","apiVersion":"apps/v1","time":"2026-12-01T20:00:00Z","fieldsType":"FieldsV1","fieldsV1":{
            "f:metadata":{"f:labels":{".":{},"f:app":{}}},
            "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:name":{},"f:image":{},
            "f:ports":{"k:{\"containerPort\":80}":{".":{},"f:containerPort":{}}},"f:resources":{}}}}}}}}]
            """.ReplaceLineEndings(string.Empty));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
