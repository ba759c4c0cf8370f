using System.Net;
using System.Text.Json.Nodes;
using HelmSentinel.Kubernetes;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary><see cref="ApiServerHttp"/>: plain HTTP to the kubeconfig's API server, with its credentials, through the proxy.</summary>
public sealed class ApiServerHttpTests : IDisposable
{
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task AServiceBehindTheSimulatorsProxy_AnswersThroughIt_WithItsStatusAndBody()
    {
        // Arrange: a Ready app behind a Service, one answering 500 behind another.
        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        Pod(simulator, "web-1", "nginx:1.25.0", "web");
        Pod(simulator, "broken-1", "sim.local/http-500", "broken");
        Service(simulator, "web");
        Service(simulator, "broken");
        await Eventually.WaitUntilAsync(() => Ready(simulator, "web-1") && Ready(simulator, "broken-1"), "both pods are Ready");
        using var api = ApiServerHttp.Create(simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig")), "simulator");

        // Act
        using var healthy = await api.Http.GetAsync(new Uri(api.BaseUri, "api/v1/namespaces/default/services/web:http/proxy/healthz"));
        using var failing = await api.Http.GetAsync(new Uri(api.BaseUri, "api/v1/namespaces/default/services/broken:http/proxy/healthz"));
        using var nobody = await api.Http.GetAsync(new Uri(api.BaseUri, "api/v1/namespaces/default/services/missing:http/proxy/"));

        // Assert
        healthy.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await healthy.Content.ReadAsStringAsync())!["pod"]!.GetValue<string>().Should().Be("web-1");
        failing.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        nobody.StatusCode.Should().Be(HttpStatusCode.NotFound, "a Service that does not exist is the API server's 404");
    }

    [Fact]
    public async Task TheKubeconfigsToken_IsSentWithEveryRequest()
    {
        // Arrange: an API server stand-in that records what it was sent.
        var seen = new List<string?>();
        await using var server = await LocalHttpServer.StartAsync(context =>
        {
            lock (seen)
            {
                seen.Add(context.Request.Path + " " + context.Request.Headers.Authorization);
            }

            return context.Response.WriteAsync("{}");
        });
        var address = server.BaseAddress.AbsoluteUri.TrimEnd('/');
        var kubeconfig = Path.Combine(_home.Root, "kubeconfig");
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: c, cluster: {"{"}server: "{address}/prefix"{"}"}{"}"}]
            users: [{"{"}name: u, user: {"{"}token: tok-3f9a{"}"}{"}"}]
            contexts: [{"{"}name: x, context: {"{"}cluster: c, user: u{"}"}{"}"}]
            current-context: x
            """);
        using var api = ApiServerHttp.Create(kubeconfig, null);

        // Act
        (await api.Http.GetStringAsync(new Uri(api.BaseUri.AbsoluteUri.TrimEnd('/') + "/api/v1/namespaces/default/services/web:80/proxy/"))).Should().Be("{}");
        (await api.Http.GetStringAsync(new Uri(api.BaseUri.AbsoluteUri.TrimEnd('/') + "/version"))).Should().Be("{}");

        // Assert: the cluster's path prefix is kept, and the token goes with every request.
        seen.Should().Equal("/prefix/api/v1/namespaces/default/services/web:80/proxy/ Bearer tok-3f9a", "/prefix/version Bearer tok-3f9a");
    }

    private static void Pod(KubeSimulator simulator, string name, string image, string app) =>
        simulator.Store.Create(ResourceTypes.Pods, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Pod",
              "metadata": { "name": "{{name}}", "labels": { "app": "{{app}}" } },
              "spec": { "containers": [ { "name": "web", "image": "{{image}}", "ports": [{ "name": "http", "containerPort": 8080 }] } ] }
            }
            """)!.AsObject());

    private static void Service(KubeSimulator simulator, string app) =>
        simulator.Store.Create(ResourceTypes.Services, "default", JsonNode.Parse($$"""
            {
              "apiVersion": "v1", "kind": "Service",
              "metadata": { "name": "{{app}}" },
              "spec": { "selector": { "app": "{{app}}" }, "ports": [{ "name": "http", "port": 80, "targetPort": "http" }] }
            }
            """)!.AsObject());

    private static bool Ready(KubeSimulator simulator, string pod) =>
        simulator.Store.Get(ResourceTypes.Pods, "default", pod)?["status"]?["conditions"]?.AsArray()
            .Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;
}
