using System.Net;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class ImmutableFieldTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private const string SelectorError =
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"other\"}, " +
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable";

    private readonly SimulatorHttp _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    public static TheoryData<string, string, string> SelectorChanges => new()
    {
        { "PUT", "", "application/json" },
        { "PATCH", """{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}""", "application/strategic-merge-patch+json" },
        { "PATCH", """{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}""", "application/merge-patch+json" },
        { "PATCH", """[{"op":"replace","path":"/spec/selector/matchLabels/app","value":"other"},{"op":"replace","path":"/spec/template/metadata/labels/app","value":"other"}]""", "application/json-patch+json" },
        { "PATCH", Deployment("other"), "application/apply-patch+yaml" },
    };

    [Theory]
    [MemberData(nameof(SelectorChanges))]
    public async Task A_Deployment_selector_change_is_422_Invalid_for_every_write_and_for_a_dry_run(string method, string body, string contentType)
    {
        // Arrange
        (await _api.SendAsync("POST", Deployments + "?fieldManager=helm", Deployment("web"), "application/json")).StatusCode.Should().Be(HttpStatusCode.Created);
        var before = _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!;
        var payload = method == "PUT" ? Deployment("other") : body;

        // Act
        var dryRun = await _api.SendAsync(method, $"{Deployments}/web?dryRun=All&fieldManager=helm", payload, contentType);
        var real = await _api.SendAsync(method, $"{Deployments}/web?fieldManager=helm", payload, contentType);

        // Assert
        foreach (var response in new[] { dryRun, real })
        {
            response.StatusCode.Should().Be((HttpStatusCode)422);
            var status = await SimulatorHttp.ReadJsonAsync(response);
            status["reason"]!.GetValue<string>().Should().Be("Invalid");
            status["message"]!.GetValue<string>().Should().Be("Deployment.apps \"web\" is invalid: " + SelectorError);
            status["details"]!.ToJsonString().Should().Be(new JsonObject
            {
                ["name"] = "web",
                ["group"] = "apps",
                ["kind"] = "Deployment",
                ["causes"] = new JsonArray(new JsonObject
                {
                    ["reason"] = "FieldValueInvalid",
                    ["message"] = SelectorError["spec.selector: ".Length..],
                    ["field"] = "spec.selector",
                }),
            }.ToJsonString());
        }

        var after = _api.Simulator.Store.Get(ResourceTypes.Deployments, "default", "web")!;
        after["spec"]!.ToJsonString().Should().Be(before["spec"]!.ToJsonString());
        after["metadata"]!["generation"]!.ToJsonString().Should().Be("1");
    }

    [Fact]
    public async Task ReplicaSet_and_DaemonSet_selectors_are_immutable_and_other_changes_pass()
    {
        // Arrange
        foreach (var (resource, kind) in new[] { ("replicasets", "ReplicaSet"), ("daemonsets", "DaemonSet") })
        {
            await _api.SendAsync("POST", $"/apis/apps/v1/namespaces/default/{resource}", Deployment("web").Replace("Deployment", kind, StringComparison.Ordinal), "application/json");
        }

        // Act
        var rs = await _api.SendAsync("PATCH", "/apis/apps/v1/namespaces/default/replicasets/web", """{"spec":{"selector":{"matchLabels":{"app":"web","tier":"x"}}}}""", "application/merge-patch+json");
        var ds = await _api.SendAsync("PATCH", "/apis/apps/v1/namespaces/default/daemonsets/web",
            """{"spec":{"selector":{"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}}}""", "application/merge-patch+json");
        var image = await _api.SendAsync("PATCH", "/apis/apps/v1/namespaces/default/daemonsets/web", """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}""", "application/strategic-merge-patch+json");

        // Assert
        (await SimulatorHttp.ReadJsonAsync(rs))["message"]!.GetValue<string>().Should().Be(
            "ReplicaSet.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"tier\":\"x\"}, " +
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
        (await SimulatorHttp.ReadJsonAsync(ds))["message"]!.GetValue<string>().Should().Be(
            "DaemonSet.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, " +
            "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", Operator:\"In\", Values:[]string{\"a\", \"b\"}}}}: field is immutable");
        image.StatusCode.Should().Be(HttpStatusCode.OK);
        _api.Simulator.Store.Get(ResourceTypes.DaemonSets, "default", "web")!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().Should().Be("nginx:1.28");
    }

    [Fact]
    public async Task A_StatefulSet_allows_its_listed_fields_and_forbids_any_other_spec_change()
    {
        // Arrange
        const string url = "/apis/apps/v1/namespaces/default/statefulsets/db";
        await _api.SendAsync("POST", "/apis/apps/v1/namespaces/default/statefulsets", Deployment("db").Replace("Deployment", "StatefulSet", StringComparison.Ordinal).Replace("\"web\"", "\"db\"", StringComparison.Ordinal).Replace("\"spec\":{", "\"spec\":{\"serviceName\":\"db\",", StringComparison.Ordinal), "application/json");

        // Act
        var allowed = await _api.SendAsync("PATCH", url, """{"spec":{"replicas":3,"minReadySeconds":5,"revisionHistoryLimit":2,"updateStrategy":{"type":"OnDelete"}}}""", "application/merge-patch+json");
        var forbidden = await _api.SendAsync("PATCH", url + "?dryRun=All", """{"spec":{"serviceName":"other","podManagementPolicy":"Parallel"}}""", "application/merge-patch+json");

        // Assert
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        var status = await SimulatorHttp.ReadJsonAsync(forbidden);
        status["message"]!.GetValue<string>().Should().Be(
            "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', " +
            "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
        status["details"]!["causes"]![0]!["reason"]!.GetValue<string>().Should().Be("FieldValueForbidden");
        status["details"]!["causes"]![0]!["field"]!.GetValue<string>().Should().Be("spec");
        _api.Simulator.Store.Get(ResourceTypes.StatefulSets, "default", "db")!["spec"]!["serviceName"]!.GetValue<string>().Should().Be("db");
    }

    [Fact]
    public async Task A_Job_template_is_compared_after_the_controller_uid_defaults_are_filled()
    {
        // Arrange: the Job as sent, without the selector and labels the apiserver adds
        const string job = """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"m","image":"busybox:1.36"}]}}}}""";
        await _api.SendAsync("POST", "/apis/batch/v1/namespaces/default/jobs", job, "application/json");

        // Act
        var resent = await _api.SendAsync("PUT", "/apis/batch/v1/namespaces/default/jobs/migrate", job, "application/json");
        var changed = await _api.SendAsync("PUT", "/apis/batch/v1/namespaces/default/jobs/migrate", job.Replace("busybox:1.36", "busybox:1.37", StringComparison.Ordinal), "application/json");

        // Assert
        resent.StatusCode.Should().Be(HttpStatusCode.OK, "the defaults make the same Job again");
        var message = (await SimulatorHttp.ReadJsonAsync(changed))["message"]!.GetValue<string>();
        message.Should().StartWith("Job.batch \"migrate\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{ObjectMeta:{Labels:map[string]string{\"batch.kubernetes.io/controller-uid\":");
        message.Should().Contain("Image:\"busybox:1.37\"").And.EndWith("}: field is immutable");
        _api.Simulator.Store.Get(ResourceTypes.Jobs, "default", "migrate")!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().Should().Be("busybox:1.36");
    }

    [Fact]
    public async Task A_Service_keeps_an_omitted_clusterIP_and_refuses_a_changed_or_emptied_one()
    {
        // Arrange
        const string url = "/api/v1/namespaces/default/services/web";
        var created = await SimulatorHttp.ReadJsonAsync(await _api.SendAsync("POST", "/api/v1/namespaces/default/services", """{"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""", "application/json"));
        var ip = created["spec"]!["clusterIP"]!.GetValue<string>();

        // Act
        var omitted = await _api.SendAsync("PUT", url, """{"metadata":{"name":"web"},"spec":{"ports":[{"port":8080}]}}""", "application/json");
        var changed = await _api.SendAsync("PATCH", url, """{"spec":{"clusterIP":"10.96.0.5"}}""", "application/strategic-merge-patch+json");
        var emptied = await _api.SendAsync("PUT", url, """{"metadata":{"name":"web"},"spec":{"clusterIP":"","ports":[{"port":80}]}}""", "application/json");

        // Assert
        omitted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await SimulatorHttp.ReadJsonAsync(omitted))["spec"]!["clusterIP"]!.GetValue<string>().Should().Be(ip);
        (await SimulatorHttp.ReadJsonAsync(changed))["message"]!.GetValue<string>().Should().Be(
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.5\"}: may not change once set");
        (await SimulatorHttp.ReadJsonAsync(emptied))["message"]!.GetValue<string>().Should().Be(
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset");
        _api.Simulator.Store.Get(ResourceTypes.Services, "default", "web")!["spec"]!["clusterIP"]!.GetValue<string>().Should().Be(ip);
    }

    [Fact]
    public async Task A_bound_claim_may_grow_its_requests_and_nothing_else()
    {
        // Arrange
        const string url = "/api/v1/namespaces/default/persistentvolumeclaims/data";
        await _api.SendAsync("POST", "/api/v1/namespaces/default/persistentvolumeclaims",
            """{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""", "application/json");
        await Eventually.WaitUntilAsync(() => _api.Simulator.Store.Get(ResourceTypes.PersistentVolumeClaims, "default", "data")?["status"]?["phase"]?.GetValue<string>() == "Bound", "the claim is Bound");

        // Act
        var grown = await _api.SendAsync("PATCH", url, """{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}""", "application/merge-patch+json");
        var shrunk = await _api.SendAsync("PATCH", url, """{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}""", "application/merge-patch+json");
        var modes = await _api.SendAsync("PATCH", url, """{"spec":{"accessModes":["ReadWriteMany"]}}""", "application/merge-patch+json");

        // Assert
        grown.StatusCode.Should().Be(HttpStatusCode.OK);
        (await SimulatorHttp.ReadJsonAsync(shrunk))["message"]!.GetValue<string>().Should().Be(
            "PersistentVolumeClaim \"data\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value");
        (await SimulatorHttp.ReadJsonAsync(modes))["message"]!.GetValue<string>().Should().Be(
            "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests for bound claims");
        _api.Simulator.Store.Get(ResourceTypes.PersistentVolumeClaims, "default", "data")!["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>().Should().Be("2Gi");
    }

    [Fact]
    public async Task Controllers_writing_through_the_store_are_not_validated()
    {
        // Arrange
        await _api.SendAsync("POST", Deployments, Deployment("web"), "application/json");

        // Act
        var written = _api.Simulator.Store.Mutate(ResourceTypes.Deployments, "default", "web", d =>
        {
            d["spec"]!["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "other" } };
            return true;
        });

        // Assert
        written["spec"]!["selector"]!["matchLabels"]!["app"]!.GetValue<string>().Should().Be("other");
    }

    private static string Deployment(string app) =>
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"APP"}},"template":{"metadata":{"labels":{"app":"APP"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}"""
            .Replace("APP", app, StringComparison.Ordinal);
}
