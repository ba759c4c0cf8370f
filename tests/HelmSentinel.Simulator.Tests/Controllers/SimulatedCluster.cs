using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Controllers;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Controllers;

/// <summary>A real store plus the controllers on a manual clock, with helpers to let simulated time pass.</summary>
internal sealed class SimulatedCluster : IAsyncDisposable
{
    public SimulatedCluster(ClusterConfig? config = null)
    {
        Time = new ManualClock();
        Store = new ObjectStore(Time);
        Controllers = new ClusterControllers(Store, config ?? ClusterConfig.Default, Time);
        Controllers.Start();
    }

    public ManualClock Time { get; }

    public ObjectStore Store { get; }

    public ClusterControllers Controllers { get; }

    /// <summary>Waits (real time) until the controllers have nothing queued.</summary>
    public Task SettleAsync() => Settle.ControllersAsync(Controllers);

    /// <summary>Advances simulated time in steps until <paramref name="condition"/> holds; returns the simulated time it took.</summary>
    public async Task<TimeSpan> RunUntilAsync(Func<bool> condition, TimeSpan? limit = null, TimeSpan? step = null)
    {
        var start = Time.GetUtcNow();
        var max = limit ?? TimeSpan.FromSeconds(60);
        var by = step ?? TimeSpan.FromMilliseconds(50);
        while (true)
        {
            await SettleAsync();
            if (condition())
            {
                return Time.GetUtcNow() - start;
            }

            if (Time.GetUtcNow() - start > max)
            {
                throw new TimeoutException($"Condition not met within {max} of simulated time. Controller errors: {Controllers.ReconcileErrors} {Controllers.LastError}");
            }

            Time.Advance(by);
        }
    }

    /// <summary>Lets <paramref name="duration"/> of simulated time pass.</summary>
    public async Task RunForAsync(TimeSpan duration, TimeSpan? step = null)
    {
        var end = Time.GetUtcNow() + duration;
        await RunUntilAsync(() => Time.GetUtcNow() >= end, duration + TimeSpan.FromSeconds(1), step);
    }

    public JsonObject Create(ResourceType type, string yamlOrJson) =>
        Store.Create(type, "default", JsonNode.Parse(yamlOrJson)!.AsObject());

    public JsonObject? Get(ResourceType type, string name) => Store.Get(type, "default", name);

    public IReadOnlyList<JsonObject> Pods(string labelApp) =>
        Store.List(ResourceTypes.Pods, "default", p => p["metadata"]?["labels"]?["app"]?.GetValue<string>() == labelApp);

    public IReadOnlyList<JsonObject> Events(string involvedName) =>
        Store.List(ResourceTypes.Events, "default", e => e["involvedObject"]?["name"]?.GetValue<string>() == involvedName);

    public async ValueTask DisposeAsync() => await Controllers.DisposeAsync();

    public static string Deployment(string name, string image, int replicas = 1, string extraContainer = "", string extraSpec = "", string strategy = "") => $$"""
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "replicas": {{replicas}},
            {{strategy}}
            {{extraSpec}}
            "selector": { "matchLabels": { "app": "{{name}}" } },
            "template": {
              "metadata": { "labels": { "app": "{{name}}" } },
              "spec": { "containers": [ { "name": "web", "image": "{{image}}", "ports": [ { "name": "http", "containerPort": 80 } ] {{extraContainer}} } ] }
            }
          }
        }
        """;
}
