using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Drift;
using HelmSentinel.Kubernetes;
using HelmSentinel.Plan;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Drift;

public sealed class ConfigClassifierTests
{
    private const string SecretValue = "hunter2-but-longer-9c1e";

    private static readonly IReadOnlyList<ManifestObject> Chart = Manifest.Parse("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: web-config}
        data: {greeting: hello}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              imagePullSecrets: [{name: registry}]
              containers:
                - name: web
                  envFrom:
                    - configMapRef: {name: shared-config}
                    - secretRef: {name: db-credentials}
                  env:
                    - name: GREETING
                      valueFrom: {configMapKeyRef: {name: web-config, key: greeting}}
                    - name: FLAG
                      valueFrom: {configMapKeyRef: {name: flags, key: beta, optional: true}}
              volumes:
                - name: certs
                  projected:
                    sources:
                      - secret: {name: tls-from-cert-manager}
                      - configMap: {name: platform-ca}
                - name: settings
                  configMap: {name: absent-settings}
        """, "shop");

    private static JsonObject Live(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static Dictionary<ObjectKey, LiveRead> Cluster() => new()
    {
        [Key("ConfigMap", "shared-config")] = new(Live("""
            {"metadata":{"name":"shared-config","resourceVersion":"41","managedFields":[
              {"manager":"kubectl-client-side-apply","operation":"Update","fieldsV1":{"f:metadata":{"f:labels":{}}}},
              {"manager":"config-syncer","operation":"Apply","time":"2026-12-01T10:00:00Z","fieldsV1":{"f:data":{"f:MODE":{}}}}]},
             "data":{"MODE":"blue"}}
            """)),
        [Key("Secret", "db-credentials")] = new(Live("""
            {"metadata":{"name":"db-credentials","resourceVersion":"42","ownerReferences":[
              {"apiVersion":"external-secrets.io/v1","kind":"ExternalSecret","name":"db","controller":true}]},
             "data":{"password":"PASSWORD"}}
            """.Replace("PASSWORD", Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)), StringComparison.Ordinal))),
        [Key("Secret", "tls-from-cert-manager")] = new(Live("""
            {"metadata":{"name":"tls-from-cert-manager","resourceVersion":"43","annotations":{
              "meta.helm.sh/release-name":"platform","meta.helm.sh/release-namespace":"shop"}},"data":{"tls.crt":"Y2VydA=="}}
            """)),
        [Key("ConfigMap", "platform-ca")] = new(null, "configmaps \"platform-ca\" is forbidden"),
        [Key("ConfigMap", "flags")] = new(null),
        [Key("ConfigMap", "absent-settings")] = new(null),
        [Key("Secret", "registry")] = new(null),
    };

    private static ObjectKey Key(string kind, string name) => new("", kind, "shop", name);

    private static IReadOnlyList<ExternalConfigObject> Classified() =>
        ConfigClassifier.Classify(PreflightChecks.References(Chart), Chart, Cluster(), "web", "shop");

    [Fact]
    public void EveryReferencedObject_IsClassifiedOnce_ByWhoOwnsIt()
    {
        var objects = Classified().ToDictionary(o => o.Display);

        objects.Keys.Should().BeEquivalentTo(
            "ConfigMap/web-config", "ConfigMap/shared-config", "Secret/db-credentials", "ConfigMap/flags", "Secret/tls-from-cert-manager",
            "ConfigMap/platform-ca", "ConfigMap/absent-settings", "Secret/registry");
        objects["ConfigMap/web-config"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.InRelease && o.Fingerprint == null && !o.NotReverted);
        objects["ConfigMap/shared-config"].Should().Match<ExternalConfigObject>(o =>
            o.Class == ConfigClass.Unmanaged && o.Owner == "field manager config-syncer: Apply, 2026-12-01T10:00:00Z" && o.Fingerprint!.ResourceVersion == "41");
        objects["ConfigMap/shared-config"].ReferencedBy.Should().Equal("Deployment/web spec.template.spec.containers[name=web].envFrom");
        objects["Secret/db-credentials"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.Unmanaged && o.Owner == "ExternalSecret/db");
        objects["Secret/tls-from-cert-manager"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.OtherRelease && o.Owner == "release platform");
        objects["ConfigMap/platform-ca"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.Unreadable && o.Fingerprint == null);
        objects["ConfigMap/flags"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.Missing && o.Optional);
        objects["ConfigMap/absent-settings"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.Missing && !o.Optional);
        objects["Secret/registry"].Should().Match<ExternalConfigObject>(o => o.Class == ConfigClass.Missing && o.Optional, "the kubelet pulls without it");
    }

    [Fact]
    public void AnObjectAnnotatedForThisRelease_IsInIt_AndForTheSameNameInAnotherNamespace_IsNot()
    {
        var ours = Live("""{"metadata":{"annotations":{"meta.helm.sh/release-name":"web","meta.helm.sh/release-namespace":"shop"}}}""");
        var theirs = Live("""{"metadata":{"annotations":{"meta.helm.sh/release-name":"web","meta.helm.sh/release-namespace":"staging"}}}""");

        ConfigClassifier.Owner(ours, "web", "shop").Should().Be((ConfigClass.InRelease, (string?)null));
        ConfigClassifier.Owner(theirs, "web", "shop").Should().Be((ConfigClass.OtherRelease, "release web (namespace staging)"));
        ConfigClassifier.Owner(Live("""{"metadata":{}}"""), "web", "shop").Should().Be((ConfigClass.Unmanaged, (string?)null));
    }

    [Fact]
    public void TheFingerprint_FollowsTheData_AndNotTheMetadataOrTheKeyOrder()
    {
        var one = ConfigClassifier.Fingerprint(Live("""{"metadata":{"resourceVersion":"1","labels":{"a":"b"}},"data":{"x":"1","y":"2"}}"""));
        var reordered = ConfigClassifier.Fingerprint(Live("""{"metadata":{"resourceVersion":"2"},"data":{"y":"2","x":"1"}}"""));
        var changed = ConfigClassifier.Fingerprint(Live("""{"metadata":{"resourceVersion":"3"},"data":{"x":"1","y":"3"}}"""));
        var moved = ConfigClassifier.Fingerprint(Live("""{"metadata":{"resourceVersion":"4"},"data":{"x":"1"},"binaryData":{"y":"2"}}"""));
        var renamed = ConfigClassifier.Fingerprint(Live("""{"metadata":{"resourceVersion":"5"},"data":{"x":"1","z":"2"}}"""));

        one.Sha256.Should().HaveLength(64).And.MatchRegex("^[0-9a-f]+$");
        reordered.SameData(one).Should().BeTrue();
        reordered.ResourceVersion.Should().Be("2");
        changed.SameData(one).Should().BeFalse();
        moved.SameData(one).Should().BeFalse("binaryData is data too");
        renamed.SameData(one).Should().BeFalse("key names are part of it");
    }

    [Fact]
    public void PodsInCreateContainerConfigError_AreExplainedByTheMissingObjectsTheyNeed()
    {
        var diagnosis = new RolloutDiagnosis(
            "pod web-1 (Deployment web): CreateContainerConfigError",
            [new PodDiagnosis("web-1", "Deployment/web", "web", "CreateContainerConfigError", "configmap \"absent-settings\" not found", null, 0, [], [])],
            [], DateTimeOffset.UnixEpoch, true);
        var crashing = diagnosis with { Pods = [diagnosis.Pods[0] with { Reason = "CrashLoopBackOff" }] };

        ConfigClassifier.ConfigErrorCause(diagnosis, Classified()).Should().Be(
            "missing configuration: ConfigMap `absent-settings` (namespace shop, not optional, referenced by Deployment/web spec.template.spec.volumes[name=settings]) did not exist when the deploy started");
        ConfigClassifier.ConfigErrorCause(crashing, Classified()).Should().BeNull();
        ConfigClassifier.ConfigErrorCause(null, Classified()).Should().BeNull();
    }

    [Fact]
    public void TheReports_ListWhatIsNotReverted_WithFingerprintsAndChanges_AndNeverASecretValue()
    {
        var objects = Classified();
        var db = objects.Single(o => o.Name == "db-credentials");
        var shared = objects.Single(o => o.Name == "shared-config");
        var change = new ConfigChange("ConfigMap", "shop", "shared-config", 4, ConfigChangeKind.Changed, new ConfigFingerprint(new string('9', 32), "30"), shared.Fingerprint);
        var outcome = new DeployOutcome
        {
            Result = DeployResult.RolledBack,
            Release = "web",
            Namespace = "shop",
            ExternalConfig = objects,
            ConfigChanges = [change],
            Warnings = [change.Describe()],
        };

        var text = TextReport.Render(outcome, new SecretMasker([]));
        var markdown = MarkdownReport.Render(outcome, new SecretMasker([]));

        text.Should().Contain("not reverted by a rollback:\n")
            .And.Contain($"  - ConfigMap/shared-config: unmanaged (field manager config-syncer: Apply, 2026-12-01T10:00:00Z); {shared.Fingerprint!.Short} (resourceVersion 41); changed since revision 4 (recorded sha256:999999999999…, now {shared.Fingerprint.Short})\n")
            .And.Contain($"  - Secret/db-credentials: unmanaged (ExternalSecret/db); {db.Fingerprint!.Short} (resourceVersion 42)\n")
            .And.Contain("  - ConfigMap/absent-settings: missing\n")
            .And.NotContain("web-config");
        markdown.Should().Contain("#### Not reverted by a rollback\n\n| Kind | Name | Class | Owner / manager | Fingerprint |\n")
            .And.Contain($"| Secret | `db-credentials` | unmanaged | ExternalSecret/db | `{db.Fingerprint.Short}` (resourceVersion 42) |")
            .And.Contain("| Secret | `tls-from-cert-manager` | owned by another release | release platform |")
            .And.Contain("| ConfigMap | `flags` | missing (optional) |  | — |");
        change.Describe().Should().Be($"ConfigMap `shared-config` changed since revision 4 (recorded sha256:999999999999…, now {shared.Fingerprint.Short}): the rollback does not restore it");
        foreach (var report in new[] { text, markdown })
        {
            report.Should().NotContain(SecretValue).And.NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)));
        }
    }

    [Fact]
    public void AnOutcomeWithoutExternalConfiguration_HasNoSection()
    {
        var outcome = new DeployOutcome { Result = DeployResult.Succeeded, Release = "web", Namespace = "shop" };

        TextReport.Render(outcome, new SecretMasker([])).Should().NotContain("not reverted");
        MarkdownReport.Render(outcome, new SecretMasker([])).Should().NotContain(NotReverted.Title);
    }
}
