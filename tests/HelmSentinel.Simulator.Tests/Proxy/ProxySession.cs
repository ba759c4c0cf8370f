using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Simulator.Tests.Controllers;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Proxy;

/// <summary>A simulator on a manual clock with bare pods and services, an HTTP client, and helpers to let simulated time pass.</summary>
internal sealed class ProxySession : IAsyncDisposable
{
    private ProxySession(ManualClock time, KubeSimulator simulator)
    {
        Time = time;
        Simulator = simulator;
        // Redirects are not followed: the apiserver's 301 for /proxy is what a test looks at.
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public ManualClock Time { get; }

    public KubeSimulator Simulator { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the simulator; <paramref name="syntheticTraffic"/> requests per second feed every app's /metrics.</summary>
    public static async Task<ProxySession> StartAsync(double syntheticTraffic = 0)
    {
        var time = new ManualClock();
        var cluster = ClusterConfig.Default.WithSyntheticTraffic(syntheticTraffic);
        return new ProxySession(time, await KubeSimulator.StartAsync(new SimulatorOptions { Time = time, Cluster = cluster }));
    }

    /// <summary>A pod labelled <c>app: <paramref name="app"/></c> with one container <c>web</c> declaring <paramref name="ports"/> (JSON).</summary>
    public void Pod(string name, string image, string app = "web", string ports = """[{ "name": "http", "containerPort": 8080 }]""") =>
        Simulator.Store.Create(ResourceTypes.Pods, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Pod",
              "metadata": { "name": "{{name}}", "labels": { "app": "{{app}}" } },
              "spec": { "containers": [ { "name": "web", "image": "{{image}}", "ports": {{ports}} } ] }
            }
            """)!.AsObject());

    /// <summary>A Service selecting <c>app: <paramref name="app"/></c> with <paramref name="ports"/> (JSON).</summary>
    public void Service(string name, string app = "web", string ports = """[{ "name": "http", "port": 80, "targetPort": "http" }]""") =>
        Simulator.Store.Create(ResourceTypes.Services, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Service",
              "metadata": { "name": "{{name}}" },
              "spec": { "selector": { "app": "{{app}}" }, "ports": {{ports}} }
            }
            """)!.AsObject());

    public bool IsReady(string pod) =>
        Simulator.Store.Get(ResourceTypes.Pods, "default", pod)?["status"]?["conditions"]?.AsArray()
            .Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    /// <summary>Moves the clock in 100 ms steps until every pod is Ready (at most a simulated minute).</summary>
    public async Task ReadyAsync(params string[] pods)
    {
        for (var step = 0; step < 600; step++)
        {
            await SettleAsync();
            if (pods.All(IsReady))
            {
                return;
            }

            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Pods {string.Join(", ", pods)} were not Ready after a simulated minute.");
    }

    /// <summary>Moves the clock by <paramref name="by"/>, then waits (real time) until the controllers have caught up.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    /// <summary>Waits (real time) until the controllers have nothing queued.</summary>
    public Task SettleAsync() => Settle.ControllersAsync(Simulator.Controllers);

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<(int Code, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<(int Code, string Body)> GetTextAsync(string path)
    {
        using var response = await GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        var (_, body) = await GetTextAsync(path);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}
