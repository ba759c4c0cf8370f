using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Drift;
using HelmSentinel.Reporting;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// External configuration with the real Helm 3 and 4 against the simulator: a ConfigMap and a Secret an operator manages
/// (written through the API with its field manager, no Helm annotations), which the release's Deployment reads with
/// <c>envFrom</c>. Each deploy fingerprints them on its revision (labels of the release Secret); a rollback reports what
/// changed since its target, and a missing ConfigMap is named as the cause of CreateContainerConfigError.
/// </summary>
public sealed class ExternalConfigScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private const string Manager = "external-secrets";
    private const string SecretValue = "s3cr3t-drift-canary-7f2a91";
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AnUnmanagedConfigMap_IsFingerprintedOnEveryRevision_AndItsChangeIsReportedWhenTheDeployRollsBack(int major)
    {
        var release = TestNames.Release([major]);
        var engine = cluster.Engine(_log);
        using var http = new HttpClient { BaseAddress = cluster.Simulator.BaseAddress };
        await WriteAsync(http, HttpMethod.Post, "/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = release } });
        await WriteConfigMapAsync(http, release, HttpMethod.Post, "blue");
        await WriteAsync(http, HttpMethod.Post, $"/api/v1/namespaces/{release}/secrets", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "shared-secret" },
            ["data"] = new JsonObject { ["token"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)) },
        });
        string[] reads = ["envFrom[0].configMapRef.name=shared-config", "envFrom[1].secretRef.name=shared-secret"];
        var key = FingerprintLabels.Key("ConfigMap", release, "shared-config", release);

        var first = await engine.DeployAsync(cluster.Request(major, release, reads));

        first.Result.Should().Be(DeployResult.Succeeded, first.FailureReason);
        var config = first.ExternalConfig.Single(o => o.Name == "shared-config");
        config.Class.Should().Be(ConfigClass.Unmanaged);
        config.Owner.Should().StartWith("field manager " + Manager);
        config.Fingerprint!.ResourceVersion.Should().Be(Live(ResourceTypes.ConfigMaps, release, "shared-config")["metadata"]!["resourceVersion"]!.GetValue<string>());
        first.ExternalConfig.Single(o => o.Name == release + "-config").Class.Should().Be(ConfigClass.InRelease);
        first.ExternalConfig.Single(o => o.Name == "shared-secret").Class.Should().Be(ConfigClass.Unmanaged);
        var firstLabels = ReleaseLabels(release, 1);
        firstLabels[key].Should().Be(FingerprintLabels.Value(config.Fingerprint));
        firstLabels.Keys.Where(k => k.StartsWith(FingerprintLabels.Prefix, StringComparison.Ordinal)).Should().HaveCount(2, "only the two objects outside the release");

        await WriteConfigMapAsync(http, release, HttpMethod.Put, "green");
        var second = await engine.DeployAsync(cluster.Request(major, release, [.. reads, "greeting=two"]));

        second.Result.Should().Be(DeployResult.Succeeded, second.FailureReason);
        var recorded = second.ExternalConfig.Single(o => o.Name == "shared-config").Fingerprint!;
        recorded.SameData(config.Fingerprint).Should().BeFalse("the ConfigMap changed between the two deploys");
        ReleaseLabels(release, 2)[key].Should().Be(FingerprintLabels.Value(recorded));

        // Changed again, then a deploy whose pods cannot start (a ConfigMap nobody created; the preflight, which would refuse
        // it, off): fail-fast rolls back to revision 2, whose fingerprint is no longer what the cluster holds.
        await WriteConfigMapAsync(http, release, HttpMethod.Put, "red");
        var third = await engine.DeployAsync(cluster.Request(major, release, [.. reads, "greeting=two", "envFrom[2].configMapRef.name=absent-config"]) with { Preflight = false });

        third.Result.Should().Be(DeployResult.RolledBack, third.FailureReason);
        third.Diagnosis!.Pods[0].Reason.Should().Be("CreateContainerConfigError");
        third.FailureReason.Should().Contain("missing configuration: ConfigMap `absent-config`");
        var change = third.ConfigChanges.Should().ContainSingle().Subject;
        change.Name.Should().Be("shared-config");
        change.Revision.Should().Be(2);
        change.Change.Should().Be(ConfigChangeKind.Changed);
        change.Recorded!.SameData(recorded).Should().BeTrue();
        change.Now.Should().Be(ConfigClassifier.Fingerprint(Live(ResourceTypes.ConfigMaps, release, "shared-config")));
        third.Warnings.Should().Contain(change.Describe());
        change.Describe().Should().StartWith("ConfigMap `shared-config` changed since revision 2 (recorded sha256:");
        ReleaseLabels(release, 4)[key].Should().Be(ReleaseLabels(release, 2)[key], "helm's rollback copies the labels of its target revision");
        ReleaseLabels(release, 3)[FingerprintLabels.Key("ConfigMap", release, "absent-config", release)].Should().Be(FingerprintLabels.Absent);

        var masker = new SecretMasker([]);
        var text = TextReport.Render(third, masker);
        var markdown = MarkdownReport.Render(third, masker);
        text.Should().Contain("not reverted by a rollback:").And.Contain("ConfigMap/shared-config: unmanaged").And.Contain("changed since revision 2");
        markdown.Should().Contain("#### " + NotReverted.Title).And.Contain("| ConfigMap | `shared-config` | unmanaged |");
        foreach (var report in new[] { text, markdown, string.Join('\n', _log.Lines) })
        {
            report.Should().NotContain(SecretValue).And.NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)));
        }
    }

    private JsonObject Live(ResourceType type, string ns, string name) => cluster.Simulator.Store.Get(type, ns, name)!;

    private Dictionary<string, string> ReleaseLabels(string release, int revision) =>
        (Live(ResourceTypes.Secrets, release, ExternalConfig.ReleaseSecretName(release, revision))["metadata"]!["labels"] as JsonObject)!
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private static Task WriteConfigMapAsync(HttpClient http, string ns, HttpMethod method, string mode) =>
        WriteAsync(http, method, $"/api/v1/namespaces/{ns}/configmaps" + (method == HttpMethod.Put ? "/shared-config" : ""), new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "shared-config" },
            ["data"] = new JsonObject { ["MODE"] = mode },
        });

    // As an operator writes: through the API, with its own field manager.
    private static async Task WriteAsync(HttpClient http, HttpMethod method, string path, JsonObject body)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path + "?fieldManager=" + Manager) { Content = JsonContent.Create(body) });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
    }
}
