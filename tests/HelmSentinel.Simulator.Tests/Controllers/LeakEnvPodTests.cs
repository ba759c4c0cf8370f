using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Controllers;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Controllers;

/// <summary>
/// The canary image <c>sim.local/leak-env:&lt;VAR&gt;</c>: it prints the value of its variable, as the kubelet resolved it,
/// to its log and crash-loops with the value in its termination message and a Warning event, so that everything a
/// diagnosis reads (logs, events, messages) carries the secret.
/// </summary>
public sealed class LeakEnvPodTests : IAsyncLifetime
{
    private const string Password = "p@ss`w*rd_[x]|<y>&\"z\"%41 $HOME;\\";
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\nggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==\n-----END PRIVATE KEY-----\n";
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = new SimulatedCluster();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void TheSimulation_LogsTheValue_AndExitsQuotingIt()
    {
        var pod = JsonNode.Parse("""
            { "metadata": { "name": "p", "namespace": "default", "uid": "u-1" },
              "spec": { "restartPolicy": "Always", "containers": [ { "name": "db", "image": "sim.local/leak-env:DB_PASSWORD" } ] } }
            """)!.AsObject();
        var sim = new PodSimulation(pod, ClusterConfig.Default, T0);
        var events = sim.Schedule(T0, "sim-node-1", "172.18.0.2", "10.244.0.5", emitScheduled: true).ToList();
        IReadOnlyDictionary<string, string> Environment(string container) => new Dictionary<string, string> { ["DB_PASSWORD"] = Password };

        while (sim.NextWake is { } wake && wake <= T0 + TimeSpan.FromSeconds(2))
        {
            events.AddRange(sim.Advance(wake, _ => null, Environment));
        }

        var status = (JsonObject)sim.Status(null)["containerStatuses"]![0]!;
        status["state"]!["waiting"]!["reason"]!.GetValue<string>().Should().Be("CrashLoopBackOff");
        status["lastState"]!["terminated"]!["message"]!.GetValue<string>().Should().Be("refusing to start with DB_PASSWORD=" + Password);
        status["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>().Should().Be(1);
        var log = sim.Log("db", previous: true, tailLines: null)!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        log.Should().HaveCount(5);
        log[0].Should().EndWith(" starting db");
        log[1].Should().Be("DB_PASSWORD=" + Password);
        log[2].Should().Be("""{"level":"info","msg":"configuration","DB_PASSWORD":"p@ss`w*rd_[x]|\u003cy\u003e\u0026\"z\"%41 $HOME;\\"}""", "JSON as Go writes it");
        log[3].Should().Be("connecting to postgres://app:p%40ss%60w%2Ard_%5Bx%5D%7C%3Cy%3E%26%22z%22%2541%20%24HOME%3B%5C@db:5432/app", "URL-encoded");
        log[4].Should().EndWith(" fatal: refusing to start with DB_PASSWORD=" + Password);
        events.Where(e => e.Type == "Warning" && e.Reason == "Failed").Select(e => e.Message).Should().HaveCountGreaterThan(1, "one a run")
            .And.AllBe("Error: container db exited with code 1: refusing to start with DB_PASSWORD=" + Password);
        events.Should().Contain(e => e.Reason == "BackOff");
    }

    [Fact]
    public void SeveralVariables_AreLeakedInOrder_AndOneThatIsNotSetIsNamed()
    {
        var pod = JsonNode.Parse("""
            { "metadata": { "name": "p", "namespace": "default", "uid": "u-1" },
              "spec": { "containers": [ { "name": "app", "image": "sim.local/leak-env:TLS_KEY.MISSING.DB_PASSWORD" } ] } }
            """)!.AsObject();
        var sim = new PodSimulation(pod, ClusterConfig.Default, T0);
        sim.Schedule(T0, "sim-node-1", "172.18.0.2", "10.244.0.5", emitScheduled: false);
        IReadOnlyDictionary<string, string> Environment(string container) => new Dictionary<string, string> { ["DB_PASSWORD"] = Password, ["TLS_KEY"] = Pem };

        while (sim.NextWake is { } wake && wake <= T0 + TimeSpan.FromSeconds(1))
        {
            sim.Advance(wake, _ => null, Environment);
        }

        var log = sim.Log("app", previous: true, tailLines: null)!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        log.Skip(1).Take(4).Should().Equal(["TLS_KEY=" + Pem.Split('\n')[0], .. Pem.TrimEnd('\n').Split('\n').Skip(1)]);
        log.Skip(5).Take(4).Should().Equal(
            """{"level":"info","msg":"configuration","TLS_KEY":"-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\nggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==\n-----END PRIVATE KEY-----\n"}""",
            "connecting to postgres://app:" + Uri.EscapeDataString(Pem) + "@db:5432/app",
            "MISSING is not set",
            "DB_PASSWORD=" + Password);
        ((JsonObject)sim.Status(null)["containerStatuses"]![0]!)["lastState"]!["terminated"]!["message"]!.GetValue<string>()
            .Should().Be($"refusing to start with TLS_KEY={Pem}; DB_PASSWORD={Password} and MISSING not set");
        log[^1].Should().EndWith($"DB_PASSWORD={Password} and MISSING not set", "the last words end on the last line of the message");
    }

    [Fact]
    public async Task InACluster_ItLeaksWhatTheSecretHolds_EveryLineOfAMultiLineValue()
    {
        _cluster.Store.Create(ResourceTypes.Secrets, "default", JsonNode.Parse($$"""
            { "apiVersion": "v1", "kind": "Secret", "metadata": { "name": "creds" },
              "data": { "password": "{{B64(Password)}}", "tls.key": "{{B64(Pem)}}" } }
            """)!.AsObject());
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("leaky", "sim.local/leak-env:DB_PASSWORD", extraContainer: """
            , "env": [ { "name": "DB_PASSWORD", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "password" } } } ] },
              { "name": "tls", "image": "sim.local/leak-env:TLS_KEY", "env": [ { "name": "TLS_KEY", "valueFrom": { "secretKeyRef": { "name": "creds", "key": "tls.key" } } } ]
            """));

        await _cluster.RunUntilAsync(() => _cluster.Pods("leaky").Any(p => p.At("status.containerStatuses") is JsonArray { Count: 2 } s
            && s.All(c => c!["lastState"]?["terminated"] is not null)), TimeSpan.FromSeconds(30));

        var pod = _cluster.Pods("leaky").Single();
        var name = pod.Text("metadata.name")!;
        _cluster.Controllers.GetPodLog("default", name, "web", previous: true, tailLines: null).Should().Contain("DB_PASSWORD=" + Password + "\n");
        _cluster.Controllers.GetPodLog("default", name, "tls", previous: true, tailLines: null)
            .Should().Contain("TLS_KEY=-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\nggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm==\n-----END PRIVATE KEY-----\n");
        var messages = _cluster.Events(name).Where(e => e.Text("type") == "Warning").Select(e => e.Text("message")).ToList();
        messages.Should().Contain("Error: container web exited with code 1: refusing to start with DB_PASSWORD=" + Password)
            .And.Contain("Error: container tls exited with code 1: refusing to start with TLS_KEY=" + Pem);
    }

    [Fact]
    public async Task AVariableThatIsNotSet_IsSaidSo()
    {
        _cluster.Create(ResourceTypes.Deployments, SimulatedCluster.Deployment("unset", "sim.local/leak-env:NOT_THERE"));

        await _cluster.RunUntilAsync(() => _cluster.Pods("unset").Any(p => p.At("status.containerStatuses") is JsonArray { Count: 1 } s
            && s[0]!["lastState"]?["terminated"] is not null), TimeSpan.FromSeconds(30));

        var pod = _cluster.Pods("unset").Single();
        ((JsonObject)pod.At("status.containerStatuses")![0]!)["lastState"]!["terminated"]!["message"]!.GetValue<string>()
            .Should().Be("refusing to start: NOT_THERE not set");
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
