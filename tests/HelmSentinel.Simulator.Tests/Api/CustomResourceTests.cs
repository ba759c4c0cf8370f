using System.Net;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Api;

public sealed class CustomResourceTests : IAsyncLifetime
{
    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string HelmReleases = "/apis/helm.toolkit.fluxcd.io/v2/namespaces/default/helmreleases";
    private readonly SimulatorHttp _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task A_created_definition_is_established_and_its_resources_are_discovered()
    {
        // Act
        var created = await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        var crd = await _api.GetAsync(Crds + "/helmreleases.helm.toolkit.fluxcd.io");
        var groups = await _api.GetAsync("/apis");
        var group = await _api.GetAsync("/apis/helm.toolkit.fluxcd.io");
        var resources = await _api.GetAsync("/apis/helm.toolkit.fluxcd.io/v2");

        // Assert
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var conditions = crd["status"]!["conditions"]!.AsArray().Select(c => $"{c!["type"]}={c["status"]}");
        conditions.Should().Contain(["Established=True", "NamesAccepted=True"]);
        crd["status"]!["acceptedNames"]!["kind"]!.GetValue<string>().Should().Be("HelmRelease");
        groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().Contain(["apiextensions.k8s.io", "helm.toolkit.fluxcd.io"]);
        group["preferredVersion"]!["groupVersion"]!.GetValue<string>().Should().Be("helm.toolkit.fluxcd.io/v2");
        var names = resources["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>());
        names.Should().Equal("helmreleases", "helmreleases/status");
        resources["resources"]![0]!["namespaced"]!.GetValue<bool>().Should().BeTrue();
        resources["resources"]![0]!["shortNames"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("hr");
    }

    [Fact]
    public async Task With_the_status_subresource_writes_to_the_object_keep_status_and_writes_to_status_keep_the_rest()
    {
        // Arrange
        await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        var created = await _api.JsonAsync("POST", HelmReleases,
            """{"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"web"},"spec":{"interval":"5m"},"status":{"observedGeneration":9}}""");

        // Act
        var status = await _api.JsonAsync("PATCH", HelmReleases + "/web/status",
            """{"spec":{"interval":"1m"},"status":{"lastAttemptedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"UpgradeSucceeded","observedGeneration":1}]}}""",
            "application/merge-patch+json");
        var spec = await _api.JsonAsync("PATCH", HelmReleases + "/web",
            """{"spec":{"interval":"2m"},"status":{"lastAttemptedGeneration":7}}""", "application/merge-patch+json");
        var labelOnly = await _api.JsonAsync("PATCH", HelmReleases + "/web",
            """[{"op":"add","path":"/metadata/labels","value":{"team":"a"}}]""", "application/json-patch+json");

        // Assert
        created["status"].Should().BeNull("a create ignores status when the status subresource is declared");
        created["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);
        status["spec"]!["interval"]!.GetValue<string>().Should().Be("5m");
        status["status"]!["lastAttemptedGeneration"]!.GetValue<long>().Should().Be(1);
        status["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);
        spec["spec"]!["interval"]!.GetValue<string>().Should().Be("2m");
        spec["status"]!["lastAttemptedGeneration"]!.GetValue<long>().Should().Be(1);
        spec["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        labelOnly["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
    }

    [Fact]
    public async Task Without_the_status_subresource_status_is_an_ordinary_field()
    {
        // Arrange
        await _api.SendAsync("POST", Crds, GitOpsCrds.ArgoCdApplication, "application/yaml");
        const string apps = "/apis/argoproj.io/v1alpha1/namespaces/default/applications";

        // Act
        var created = await _api.JsonAsync("POST", apps, """{"metadata":{"name":"guestbook"},"spec":{"project":"default"},"status":{"sync":{"status":"Synced"}}}""");
        var patched = await _api.JsonAsync("PATCH", apps + "/guestbook", """{"status":{"health":{"status":"Healthy"}}}""", "application/merge-patch+json");
        var statusPath = await _api.SendAsync("GET", apps + "/guestbook/status", string.Empty);

        // Assert
        created["status"]!["sync"]!["status"]!.GetValue<string>().Should().Be("Synced");
        patched["status"]!["health"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        patched["metadata"]!["generation"]!.GetValue<long>().Should().Be(2, "without the subresource every change but metadata counts");
        statusPath.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_strategic_merge_patch_of_a_custom_object_is_415_and_apply_works()
    {
        // Arrange
        await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        await _api.JsonAsync("POST", HelmReleases, """{"metadata":{"name":"web"},"spec":{"interval":"5m"}}""");

        // Act
        var strategic = await _api.SendAsync("PATCH", HelmReleases + "/web", """{"spec":{"interval":"1m"}}""", "application/strategic-merge-patch+json");
        var applied = await _api.SendAsync("PATCH", HelmReleases + "/web?fieldManager=flux&force=true",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 3m\n", "application/apply-patch+yaml");
        var dryRun = await _api.JsonAsync("PATCH", HelmReleases + "/web?dryRun=All", """{"spec":{"interval":"9m"}}""", "application/merge-patch+json");
        var live = await _api.GetAsync(HelmReleases + "/web");

        // Assert
        strategic.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await strategic.Content.ReadAsStringAsync()).Should().Contain("application/apply-patch+yaml").And.NotContain("strategic-merge-patch");
        applied.StatusCode.Should().Be(HttpStatusCode.OK, await applied.Content.ReadAsStringAsync());
        dryRun["spec"]!["interval"]!.GetValue<string>().Should().Be("9m");
        live["spec"]!["interval"]!.GetValue<string>().Should().Be("3m");
        SimulatorHttp.Entry(live, "flux", "Apply").Should().NotBeNull();
    }

    [Fact]
    public async Task A_watch_of_custom_objects_sees_a_status_patch_with_label_selectors()
    {
        // Arrange
        await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        var created = await _api.JsonAsync("POST", HelmReleases, """{"metadata":{"name":"web","labels":{"app":"web"}},"spec":{}}""");
        await _api.JsonAsync("POST", HelmReleases, """{"metadata":{"name":"other"},"spec":{}}""");
        var version = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        var watching = _api.WatchUntilAsync($"{HelmReleases}?watch=true&labelSelector=app%3Dweb&resourceVersion={version}",
            e => e["object"]!["status"]?["lastAttemptedGeneration"] is not null);

        // Act
        await _api.JsonAsync("PATCH", HelmReleases + "/web/status", """{"status":{"lastAttemptedGeneration":1}}""", "application/merge-patch+json");
        var events = await watching;

        // Assert
        events.Should().OnlyContain(e => e["object"]!["metadata"]!["name"]!.GetValue<string>() == "web");
        events[^1]["type"]!.GetValue<string>().Should().Be("MODIFIED");
    }

    [Fact]
    public async Task Deleting_the_definition_deletes_its_objects_and_its_resources()
    {
        // Arrange
        await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        await _api.JsonAsync("POST", HelmReleases, """{"metadata":{"name":"web"},"spec":{}}""");

        // Act
        var deleted = await _api.SendAsync("DELETE", Crds + "/helmreleases.helm.toolkit.fluxcd.io", string.Empty);
        var list = await _api.SendAsync("GET", HelmReleases, string.Empty);
        var groups = await _api.GetAsync("/apis");
        await _api.SendAsync("POST", Crds, GitOpsCrds.FluxHelmRelease, "application/yaml");
        var again = await _api.GetAsync(HelmReleases);

        // Assert
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        list.StatusCode.Should().Be(HttpStatusCode.NotFound);
        groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().NotContain("helm.toolkit.fluxcd.io");
        again["items"]!.AsArray().Should().BeEmpty("the objects went with their definition");
    }

    [Fact]
    public async Task A_definition_whose_name_is_not_plural_dot_group_is_invalid()
    {
        // Act
        var response = await _api.SendAsync("POST", Crds,
            GitOpsCrds.FluxHelmRelease.Replace("name: helmreleases.helm.toolkit.fluxcd.io", "name: releases.helm.toolkit.fluxcd.io", StringComparison.Ordinal), "application/yaml");

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).Should().Contain("must be spec.names.plural+");
        (await _api.GetAsync("/apis"))["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().NotContain("helm.toolkit.fluxcd.io");
    }

    [Fact]
    public async Task A_cluster_scoped_definition_serves_its_objects_without_a_namespace()
    {
        // Arrange
        var yaml = GitOpsCrds.FluxHelmRelease.Replace("scope: Namespaced", "scope: Cluster", StringComparison.Ordinal);
        await _api.SendAsync("POST", Crds, yaml, "application/yaml");

        // Act
        var created = await _api.SendAsync("POST", "/apis/helm.toolkit.fluxcd.io/v2/helmreleases", """{"metadata":{"name":"global"},"spec":{}}""");
        var namespaced = await _api.SendAsync("GET", HelmReleases, string.Empty);
        var got = await _api.GetAsync("/apis/helm.toolkit.fluxcd.io/v2/helmreleases/global");

        // Assert
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        namespaced.StatusCode.Should().Be(HttpStatusCode.NotFound);
        got["metadata"]!.AsObject().ContainsKey("namespace").Should().BeFalse();
    }

    [Fact]
    public async Task The_served_versions_of_a_definition_share_its_objects()
    {
        // Arrange: v2beta2 served beside the storage version v2, as Flux's definition has them
        var yaml = GitOpsCrds.FluxHelmRelease.Replace("  versions:\n", "  versions:\n  - name: v2beta2\n    served: true\n    storage: false\n", StringComparison.Ordinal);
        await _api.SendAsync("POST", Crds, yaml, "application/yaml");
        const string beta = "/apis/helm.toolkit.fluxcd.io/v2beta2/namespaces/default/helmreleases";
        var created = await _api.JsonAsync("POST", beta, """{"metadata":{"name":"web"},"spec":{"interval":"5m"}}""");
        var watching = _api.WatchUntilAsync($"{HelmReleases}?watch=true&resourceVersion={created["metadata"]!["resourceVersion"]}", e => e["type"]!.GetValue<string>() == "MODIFIED");

        // Act
        var asV2 = await _api.GetAsync(HelmReleases + "/web");
        var patched = await _api.JsonAsync("PATCH", beta + "/web", """{"spec":{"interval":"1m"}}""", "application/merge-patch+json");
        var events = await watching;
        var group = await _api.GetAsync("/apis/helm.toolkit.fluxcd.io");

        // Assert
        asV2["apiVersion"]!.GetValue<string>().Should().Be("helm.toolkit.fluxcd.io/v2");
        asV2["metadata"]!["uid"]!.GetValue<string>().Should().Be(created["metadata"]!["uid"]!.GetValue<string>());
        patched["apiVersion"]!.GetValue<string>().Should().Be("helm.toolkit.fluxcd.io/v2beta2");
        patched["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        events[^1]["object"]!["apiVersion"]!.GetValue<string>().Should().Be("helm.toolkit.fluxcd.io/v2");
        events[^1]["object"]!["spec"]!["interval"]!.GetValue<string>().Should().Be("1m");
        group["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()).Should().Equal("v2", "v2beta2");
        group["preferredVersion"]!["version"]!.GetValue<string>().Should().Be("v2", "a GA version before a beta one");
    }
}
