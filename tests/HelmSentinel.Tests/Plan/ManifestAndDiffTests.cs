using System.Text.Json.Nodes;
using HelmSentinel.Plan;

namespace HelmSentinel.Tests.Plan;

public sealed class ManifestAndDiffTests
{
    private const string Current = """
        ---
        # Source: web/templates/config.yaml
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
          annotations:
            checksum/x: "1"
        data:
          port: "8080"
          app.conf: |
            listen 8080
            workers 2
            log info
        ---
        # Source: web/templates/app.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: other
        spec:
          replicas: 2
          template:
            spec:
              containers:
                - name: sidecar
                  image: envoy:1
                - name: web
                  image: nginx:1.25.0
                  env:
                    - name: A
                      value: "1"
        ---
        # Source: web/templates/ns.yaml
        apiVersion: v1
        kind: Namespace
        metadata:
          name: web-ns
        """;

    [Fact]
    public void Parse_KeysEachObject_ByGroupKindNamespaceAndName_WithItsSource()
    {
        var objects = Manifest.Parse(Current, "shop");

        objects.Select(o => (o.Key, o.Source, o.IsHook)).Should().Equal(
            (new ObjectKey("", "ConfigMap", "shop", "web-config"), "web/templates/config.yaml", false),
            (new ObjectKey("apps", "Deployment", "other", "web"), "web/templates/app.yaml", false),
            (new ObjectKey("", "Namespace", "", "web-ns"), "web/templates/ns.yaml", false));
    }

    [Fact]
    public void Parse_TypesPlainScalars_AsTheApiServerReadsThem_AndKeepsQuotedOnesAsStrings()
    {
        var body = Manifest.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: \"8080\", b: 8080, c: true, d: 'yes', e: ~}\n", "ns")[0].Body;

        body["data"]!["a"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String);
        body["data"]!["b"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number);
        body["data"]!["c"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.True);
        body["data"]!["d"]!.GetValue<string>().Should().Be("yes");
        body["data"]!["e"].Should().BeNull();
    }

    [Fact]
    public void Parse_ReadsYaml11AsHelmsParserDoes_OctalModesBooleanWordsAndMergeKeys()
    {
        var body = Manifest.Parse("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x}
            base: &base {a: 1, b: 2}
            data:
              <<: *base
              b: 3
              mode: 0644
              hex: 0x1F
              big: 1_000
              on: on
              off: off
              y: y
              version: 1.10
            """, "ns")[0].Body;

        body["data"]!.ToJsonString().Should().Be("""{"b":3,"mode":420,"hex":31,"big":1000,"on":true,"off":false,"y":true,"version":1.1,"a":1}""");
    }

    [Fact]
    public void Parse_MarksHooks_AndRefusesADocumentWithoutAName()
    {
        var hooks = Manifest.Parse("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations: {helm.sh/hook: pre-upgrade}\n", "ns");
        hooks.Single().IsHook.Should().BeTrue();

        var parse = () => Manifest.Parse("# Source: web/templates/bad.yaml\napiVersion: v1\nkind: ConfigMap\n", "ns");
        parse.Should().Throw<FormatException>().WithMessage("the document from web/templates/bad.yaml (ConfigMap) has no metadata.name");
    }

    [Fact]
    public void Compare_MatchesListItemsByName_SoAContainerInFrontChangesNothingElse_AndDiffsLongStringsByLine()
    {
        var proposed = Current
            .Replace("        - name: sidecar\n", "        - name: init\n          image: busybox\n        - name: sidecar\n", StringComparison.Ordinal)
            .Replace("workers 2", "workers 4", StringComparison.Ordinal)
            .Replace("checksum/x: \"1\"", "checksum/x: \"2\"", StringComparison.Ordinal);

        var changes = PlanDiff.Compare(Manifest.Parse(Current, "shop"), Manifest.Parse(proposed, "shop"));

        var config = changes.Single(c => c.Key.Kind == "ConfigMap");
        config.Action.Should().Be(ChangeAction.Changed);
        config.Fields.Select(f => f.Path).Should().Equal("metadata.annotations[\"checksum/x\"]", "data[\"app.conf\"]");
        config.Fields[1].Lines.Should().Equal("  listen 8080", "- workers 2", "+ workers 4", "  log info");
        var deployment = changes.Single(c => c.Key.Kind == "Deployment");
        deployment.Fields.Should().Equal(new FieldChange("spec.template.spec.containers[name=init]", null, """{"name":"init","image":"busybox"}"""));
        changes.Single(c => c.Key.Kind == "Namespace").Action.Should().Be(ChangeAction.Unchanged);
    }

    [Fact]
    public void Compare_ShowsAddedAndRemovedObjects_AndLeavesOutHelmsReleaseRecords_AndKubectlsLastAppliedCopy()
    {
        var current = Manifest.Parse(Current.Replace("checksum/x: \"1\"", "kubectl.kubernetes.io/last-applied-configuration: '{\"secret\":1}'", StringComparison.Ordinal), "shop");
        var proposed = Manifest.Parse(Current.Replace("checksum/x: \"1\"", "{}", StringComparison.Ordinal)
            .Replace("kind: Namespace\nmetadata:\n  name: web-ns", "kind: Secret\nmetadata:\n  name: sh.helm.release.v1.web.v3\ntype: helm.sh/release.v1", StringComparison.Ordinal)
            + "\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n", "shop");

        var changes = PlanDiff.Compare(current, proposed);

        changes.Select(c => (c.Key.Kind, c.Action)).Should().Equal(
            ("ConfigMap", ChangeAction.Unchanged), ("Deployment", ChangeAction.Unchanged), ("Namespace", ChangeAction.Removed), ("ServiceAccount", ChangeAction.Added));
    }

    [Fact]
    public void ASecret_IsComparedByKey_ItsValuesReducedToLengths_DataAndStringDataMergedAsTheApiServerDoes()
    {
        const string before = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {user: YWRtaW4=, pass: czNjcjN0, old: eA==}\n";
        const string after = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {user: YWRtaW4=, pass: czNjcjN0, new: eQ==}\nstringData: {pass: longer-secret}\n";

        var change = PlanDiff.Compare(Manifest.Parse(before, "ns"), Manifest.Parse(after, "ns")).Single();

        change.Action.Should().Be(ChangeAction.Changed);
        change.Fields.Should().BeEmpty("data and stringData are never compared as fields");
        change.SecretKeys.Should().Equal(
            new SecretKeyChange("new", SecretKeyState.Added, null, 1),
            new SecretKeyChange("old", SecretKeyState.Removed, 1, null),
            new SecretKeyChange("pass", SecretKeyState.Changed, 6, 13),
            new SecretKeyChange("user", SecretKeyState.Unchanged, 5, 5));
    }

    [Fact]
    public void Subset_ComparesOnlyWhatTheManifestSets_SoServerDefaultsAreNoDrift()
    {
        var manifest = JsonNode.Parse("""{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""");
        var live = JsonNode.Parse("""{"spec":{"replicas":5,"progressDeadlineSeconds":600,"template":{"spec":{"containers":[{"name":"web","image":"nginx","imagePullPolicy":"IfNotPresent"}]}}}}""");

        FieldDiff.Subset(manifest, live).Should().Equal(new FieldChange("spec.replicas", "2", "5"));
    }
}
