using System.Text.Json.Nodes;
using HelmSentinel.Plan;

namespace HelmSentinel.Tests.Plan;

public sealed class PreflightChecksTests
{
    private static ManifestObject One(string yaml) => Manifest.Parse(yaml, "shop").Single();

    private static JsonObject Live(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void AChangedDeploymentSelector_IsBlocking_ButTheSameSelectorWithServerDefaultsIsNot()
    {
        var proposed = One("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web2}}\n");
        var deployed = Live("""{"spec":{"selector":{"matchLabels":{"app":"web"}}}}""");

        var findings = PreflightChecks.Immutable(proposed, deployed, Live("""{"spec":{"selector":{"matchLabels":{"app":"web"}}}}"""));

        findings.Should().ContainSingle().Which.Should().Match<Finding>(f =>
            f.Severity == FindingSeverity.Blocking && f.Check == Checks.ImmutableField &&
            f.Message == "helm upgrade will fail: Deployment/web's spec.selector cannot change (field is immutable): spec.selector.matchLabels.app is web in the cluster, web2 in the chart" &&
            f.Fix.Contains("kubectl delete deployment web -n shop --cascade=orphan"));
        PreflightChecks.Immutable(proposed, deployed, Live("""{"spec":{"selector":{"matchLabels":{"app":"web2"}}}}""")).Should().BeEmpty("the live object already has it");
        PreflightChecks.Immutable(proposed, Live("""{"spec":{"selector":{"matchLabels":{"app":"web2"}}}}"""), deployed).Should().BeEmpty("the chart renders it as it did");
        PreflightChecks.Immutable(proposed, null, deployed).Should().BeEmpty("an object new to the release is the ownership check's");
    }

    [Theory]
    [InlineData("serviceName: db-v2", "spec.serviceName")]
    [InlineData("podManagementPolicy: Parallel", "spec.podManagementPolicy")]
    [InlineData("volumeClaimTemplates: [{metadata: {name: data}, spec: {resources: {requests: {storage: 2Gi}}}}]", "spec.volumeClaimTemplates")]
    public void AStatefulSetFieldOutsideTheUpdatableList_IsBlocking(string field, string path)
    {
        var proposed = One($"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  {field}\n  replicas: 3\n");
        var deployed = Live("""{"spec":{"replicas":1,"serviceName":"db","volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"resources":{"requests":{"storage":"1Gi"}}}}]}}""");
        var live = Live("""{"spec":{"replicas":1,"serviceName":"db","podManagementPolicy":"OrderedReady","volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"resources":{"requests":{"storage":"1Gi"}}}}]}}""");

        var finding = PreflightChecks.Immutable(proposed, deployed, live).Should().ContainSingle().Which;

        finding.Message.Should().Contain($"{path} cannot change (updates to statefulset spec for fields other than 'replicas'");
    }

    [Fact]
    public void AServiceClusterIp_ThatDiffersFromTheLiveOne_IsBlocking_AndAnUnsetOrEmptyOneIsNot()
    {
        var live = Live("""{"spec":{"clusterIP":"10.96.0.5","clusterIPs":["10.96.0.5"]}}""");
        var deployed = Live("""{"spec":{"ports":[{"port":80}]}}""");

        PreflightChecks.Immutable(One("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.9}\n"), deployed, live)
            .Should().ContainSingle().Which.Message.Should().Contain("may not change once set");
        PreflightChecks.Immutable(One("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"), deployed, live).Should().BeEmpty();
        PreflightChecks.Immutable(One("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: \"\"}\n"), deployed, live).Should().BeEmpty(
            "the API server keeps the old address for an empty one");
    }

    [Fact]
    public void AJobTemplate_TheApiServerWroteBackInItsOwnForm_IsNoChange()
    {
        const string job = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: migrate}
            spec:
              template:
                spec:
                  containers:
                    - name: m
                      image: app:1
                      resources: {limits: {cpu: 1000m, memory: 1024Mi}}
                      securityContext: {readOnlyRootFilesystem: false}
                      volumeMounts: []
                  volumes: [{name: conf, configMap: {name: c, defaultMode: 0644}}]
            """;
        var proposed = One(job.Replace("app:1", "app:2", StringComparison.Ordinal));
        var live = Live("""
            {"spec":{"template":{"metadata":{"labels":{"batch.kubernetes.io/controller-uid":"x"}},"spec":{"containers":[{"name":"m","image":"app:2",
            "resources":{"limits":{"cpu":"1","memory":"1Gi"}},"securityContext":{}}],"volumes":[{"name":"conf","configMap":{"name":"c","defaultMode":420}}]}}}}
            """);

        PreflightChecks.Immutable(proposed, One(job).Body, live).Should().BeEmpty("quantities, false, empty lists and 0644 are the live values in another form");
        PreflightChecks.Immutable(proposed, One(job).Body, null).Should().ContainSingle("against the deployed revision the image did change");
    }

    [Fact]
    public void AnObjectOfAnotherRelease_OrOfNone_IsBlocking_NamingWhatWasFound()
    {
        var proposed = One("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\n");

        PreflightChecks.Ownership(proposed, Live("""{"metadata":{"annotations":{"meta.helm.sh/release-name":"other","meta.helm.sh/release-namespace":"shop"},"labels":{"app.kubernetes.io/managed-by":"Helm"}}}"""), "web", "shop")!
            .Message.Should().Be("helm upgrade will fail (invalid ownership metadata): ConfigMap/shared already exists and it belongs to release other in namespace shop; found meta.helm.sh/release-name=other, meta.helm.sh/release-namespace=shop, app.kubernetes.io/managed-by=Helm");
        PreflightChecks.Ownership(proposed, Live("""{"metadata":{}}"""), "web", "shop")!.Message.Should().EndWith("it belongs to no release (no Helm annotations or label)");
        PreflightChecks.Ownership(proposed, Live("""{"metadata":{"annotations":{"meta.helm.sh/release-name":"web","meta.helm.sh/release-namespace":"shop"},"labels":{"app.kubernetes.io/managed-by":"Helm"}}}"""), "web", "shop").Should().BeNull();
        PreflightChecks.Ownership(proposed, null, "web", "shop").Should().BeNull();
    }

    [Fact]
    public void References_FindEveryConfigMapAndSecretOfThePodTemplate()
    {
        var deployment = One("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  imagePullSecrets: [{name: regcred}]
                  initContainers:
                    - name: init
                      envFrom: [{configMapRef: {name: init-env}}]
                  containers:
                    - name: web
                      envFrom: [{secretRef: {name: web-env, optional: true}}]
                      env:
                        - name: DB
                          valueFrom: {secretKeyRef: {name: db, key: url}}
                  volumes:
                    - name: conf
                      configMap: {name: web-conf, items: [{key: app.conf, path: app.conf}]}
                    - name: all
                      projected: {sources: [{secret: {name: tls}}]}
            """);

        PreflightChecks.References([deployment]).Select(r => (r.Kind, r.Name, r.Key, r.Optional, r.PullSecret, r.Path)).Should().Equal(
            ("ConfigMap", "init-env", null, false, false, "spec.template.spec.initContainers[name=init].envFrom"),
            ("Secret", "web-env", null, true, false, "spec.template.spec.containers[name=web].envFrom"),
            ("Secret", "db", "url", false, false, "spec.template.spec.containers[name=web].env[name=DB]"),
            ("ConfigMap", "web-conf", "app.conf", false, false, "spec.template.spec.volumes[name=conf]"),
            ("Secret", "tls", null, false, false, "spec.template.spec.volumes[name=all].projected"),
            ("Secret", "regcred", null, false, true, "spec.template.spec.imagePullSecrets"));
    }

    [Fact]
    public void AMissingReference_IsBlocking_AMissingKeyToo_AnOptionalOneNot_AndAMissingPullSecretIsAWarning()
    {
        var owner = new ObjectKey("apps", "Deployment", "shop", "web");
        PodReference Ref(string kind, string name, string? key = null, bool optional = false, bool pull = false) => new(kind, "shop", name, key, optional, pull, owner, "spec.template.spec");

        PreflightChecks.Missing(Ref("ConfigMap", "conf"), rendered: false, live: null, null)!.Message
            .Should().Be("the pods of Deployment/web would sit in CreateContainerConfigError: configmap \"conf\" (spec.template.spec) is neither in the chart nor in namespace shop");
        PreflightChecks.Missing(Ref("Secret", "db", "url"), rendered: false, Live("""{"data":{"user":"eA=="}}"""), null)!.Message
            .Should().Contain("couldn't find key url in Secret shop/db");
        PreflightChecks.Missing(Ref("Secret", "db", "url"), rendered: true, null, new HashSet<string> { "url" }).Should().BeNull();
        PreflightChecks.Missing(Ref("ConfigMap", "conf", optional: true), rendered: false, null, null).Should().BeNull();
        PreflightChecks.Missing(Ref("Secret", "regcred", pull: true), rendered: false, null, null)!.Severity.Should().Be(FindingSeverity.Warning);
    }

    [Fact]
    public void AnUnservedApiVersion_IsBlocking_InTheChartAndInTheStoredManifest_ButAKindTheChartsCrdBringsIsServed()
    {
        var served = new Dictionary<string, IReadOnlySet<string>> { ["v1"] = new HashSet<string> { "ConfigMap" }, ["policy/v1"] = new HashSet<string> { "PodDisruptionBudget" } };
        var pdb = One("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n");
        var crd = One("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec: {group: example.com, names: {kind: Widget}, versions: [{name: v1}]}\n");
        var widget = One("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");

        var proposed = PreflightChecks.Unserved([pdb, widget], served, [crd], stored: false, "web", "shop");
        var stored = PreflightChecks.Unserved([pdb], served, [], stored: true, "web", "shop", revision: 4);

        proposed.Should().ContainSingle().Which.Message.Should().Be(
            "helm upgrade will fail: no matches for kind \"PodDisruptionBudget\" in version \"policy/v1beta1\"; the cluster serves PodDisruptionBudget as policy/v1");
        stored.Should().ContainSingle().Which.Should().Match<Finding>(f => f.Check == Checks.UnservedStoredApi &&
            f.Message.StartsWith("helm upgrade will fail (unable to build kubernetes objects from current release manifest): revision 4 stores PodDisruptionBudget.policy/web as policy/v1beta1") &&
            f.Fix.Contains("helm mapkubeapis web --namespace shop"));
    }

    [Fact]
    public void TheReleaseRecord_IsAWarningAbove700KiB_AndBlockingAbove1MiB_NamingTheLargestFiles()
    {
        string Release(int bytes)
        {
            var random = new Random(3);
            var data = new byte[bytes];
            random.NextBytes(data);
            return new JsonObject { ["chart"] = new JsonObject { ["files"] = new JsonArray(new JsonObject { ["name"] = "files/blob", ["data"] = Convert.ToBase64String(data) }) } }.ToJsonString();
        }

        PreflightChecks.Size(Release(100_000), out var small).Should().BeNull();
        PreflightChecks.Size(Release(560_000), out _)!.Severity.Should().Be(FindingSeverity.Warning);
        var big = PreflightChecks.Size(Release(900_000), out var bytes)!;
        big.Severity.Should().Be(FindingSeverity.Blocking);
        big.Message.Should().Contain("helm upgrade will fail").And.Contain("largest: files/blob (879 KiB)");
        bytes.Should().BeGreaterThan(PreflightChecks.ReleaseLimitBytes);
        small.Should().BeLessThan(PreflightChecks.ReleaseWarningBytes);
    }

    [Fact]
    public void Drift_NamesTheManagerThatOwnsTheLiveValue_AndNeverComparesASecretsValues()
    {
        var deployed = One("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  template: {spec: {containers: [{name: web, image: nginx:1}]}}\n");
        var live = Live("""
            {"metadata":{"name":"web","managedFields":[
              {"manager":"helm","operation":"Update","time":"2026-12-01T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:name":{}}}}}}}},
              {"manager":"kubectl","operation":"Update","subresource":"scale","time":"2026-12-01T11:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}},
              {"manager":"kubectl-edit","operation":"Update","time":"2026-12-01T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}}}]},
             "spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}
            """);

        var drift = PreflightChecks.Drift(deployed, live, 3);

        drift.Select(f => f.Message).Should().Equal(
            "live drift: Deployment/web has spec.replicas = 5 in the cluster, 2 in revision 3 (changed by kubectl: Update, subresource scale, 2026-12-01T11:00:00Z)",
            "live drift: Deployment/web has spec.template.spec.containers[name=web].image = nginx:2 in the cluster, nginx:1 in revision 3 (changed by kubectl-edit: Update, 2026-12-01T12:00:00Z)");
        var secret = One("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {pass: czNjcjN0}\n");
        PreflightChecks.Drift(secret, Live("""{"metadata":{"name":"db"},"data":{"pass":"b3RoZXI="}}"""), 3).Should().BeEmpty();
    }
}
