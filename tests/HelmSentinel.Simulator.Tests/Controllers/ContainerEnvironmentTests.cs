using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Controllers;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Controllers;

/// <summary>A container's environment, resolved as a kubelet does when it starts the container.</summary>
public sealed class ContainerEnvironmentTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static readonly Dictionary<(string Kind, string Name), JsonObject> Objects = new()
    {
        [("Secret", "creds")] = new JsonObject
        {
            ["data"] = new JsonObject { ["password"] = B64("p@ss`w*rd\"x\""), ["tls.key"] = B64("-----BEGIN KEY-----\nMIIB\n-----END KEY-----\n"), ["bad"] = "%%not base64%%" },
            ["stringData"] = new JsonObject { ["plain"] = "as written" },
        },
        [("Secret", "all")] = new JsonObject { ["data"] = new JsonObject { ["API_TOKEN"] = B64("tok-1"), ["SHARED"] = B64("from secret") } },
        [("ConfigMap", "settings")] = new JsonObject { ["data"] = new JsonObject { ["GREETING"] = "hello", ["SHARED"] = "from configmap" } },
    };

    private static JsonObject? Get(ResourceType type, string name) =>
        Objects.TryGetValue((type == ResourceTypes.Secrets ? "Secret" : "ConfigMap", name), out var o) ? o : null;

    private static IReadOnlyDictionary<string, string> Resolve(string container) =>
        ClusterControllers.ContainerEnvironment(JsonNode.Parse(container)!.AsObject(), "app", Get);

    private static string Pod(string env) => $$"""
        { "metadata": { "name": "web-1", "namespace": "shop", "uid": "u-7" }, "spec": { "nodeName": "sim-node-1", "containers": [ { "name": "app", "image": "x", {{env}} } ] } }
        """;

    [Fact]
    public void SecretKeyRef_IsTheSecretsDataDecoded_KeysWithDotsToo()
    {
        var env = Resolve(Pod("""
            "env": [
              { "name": "DB_PASSWORD", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "password" } } },
              { "name": "TLS_KEY", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "tls.key" } } },
              { "name": "PLAIN", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "plain" } } },
              { "name": "BAD", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "bad" } } },
              { "name": "MISSING", "valueFrom": { "secretKeyRef": { "name": "nothing", "key": "x", "optional": true } } }
            ]
            """));

        env.Should().Equal(new Dictionary<string, string>
        {
            ["DB_PASSWORD"] = "p@ss`w*rd\"x\"",
            ["TLS_KEY"] = "-----BEGIN KEY-----\nMIIB\n-----END KEY-----\n",
            ["PLAIN"] = "as written",
        });
    }

    [Fact]
    public void EnvFrom_TakesEveryKey_WithItsPrefix_AndEnvWinsOverIt()
    {
        var env = Resolve(Pod("""
            "envFrom": [ { "configMapRef": { "name": "settings" } }, { "secretRef": { "name": "all" } }, { "prefix": "CFG_", "configMapRef": { "name": "settings" } } ],
            "env": [ { "name": "GREETING", "value": "overridden" } ]
            """));

        env.Should().Equal(new Dictionary<string, string>
        {
            ["GREETING"] = "overridden",
            ["SHARED"] = "from secret",
            ["API_TOKEN"] = "tok-1",
            ["CFG_GREETING"] = "hello",
            ["CFG_SHARED"] = "from configmap",
        });
    }

    [Fact]
    public void Values_ExpandEarlierVariables_AndFieldRefsReadThePod()
    {
        var env = Resolve(Pod("""
            "envFrom": [ { "secretRef": { "name": "all" } } ],
            "env": [
              { "name": "POD", "valueFrom": { "fieldRef": { "fieldPath": "metadata.name" } } },
              { "name": "NODE", "valueFrom": { "fieldRef": { "fieldPath": "spec.nodeName" } } },
              { "name": "HEADER", "value": "Bearer $(API_TOKEN) on $(POD) at $(LATER), $$(API_TOKEN) costs $$5" },
              { "name": "LATER", "value": "x" }
            ]
            """));

        env["HEADER"].Should().Be("Bearer tok-1 on web-1 at $(LATER), $(API_TOKEN) costs $5");
        env["NODE"].Should().Be("sim-node-1");
    }

    [Fact]
    public void AnUnknownContainer_HasNoEnvironment()
    {
        ClusterControllers.ContainerEnvironment(JsonNode.Parse(Pod("\"env\": []"))!.AsObject(), "other", Get).Should().BeEmpty();
    }
}
