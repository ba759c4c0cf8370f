using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Kube;
using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps;

/// <summary>
/// A simulator with Flux's CustomResourceDefinitions, and the writes Flux's controllers make, through the API: the
/// test creates a Kustomization and HelmReleases and patches their status as kustomize- and helm-controller would.
/// </summary>
internal sealed class FluxCluster : IAsyncDisposable
{
    public const string Kustomizations = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations";
    public const string HelmReleases = "/apis/helm.toolkit.fluxcd.io/v2/namespaces/apps/helmreleases";
    private readonly IsolatedHome _home = new();

    private FluxCluster(KubeSimulator simulator, HttpClient http)
    {
        Simulator = simulator;
        Http = http;
        Kubeconfig = simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
    }

    public KubeSimulator Simulator { get; }

    public HttpClient Http { get; }

    public string Kubeconfig { get; }

    public string Root => _home.Root;

    public static async Task<FluxCluster> StartAsync(SimulatorOptions? options = null)
    {
        var simulator = await KubeSimulator.StartAsync(options);
        var http = new HttpClient { BaseAddress = simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        if (options?.BearerToken is { } token)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var cluster = new FluxCluster(simulator, http);
        foreach (var crd in new[] { GitOpsCrds.FluxKustomization, GitOpsCrds.FluxHelmRelease })
        {
            await cluster.SendAsync("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, "application/yaml");
        }

        foreach (var ns in new[] { "flux-system", "apps" })
        {
            await cluster.SendAsync("POST", "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{ns}}}"}}""");
        }

        return cluster;
    }

    /// <summary>A Kustomization <c>flux-system/site</c> with a HelmRelease <c>apps/web</c> in its inventory.</summary>
    public async Task CreateSiteAsync()
    {
        await SendAsync("POST", Kustomizations, """{"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization","metadata":{"name":"site"},"spec":{"interval":"5m","path":"./apps","sourceRef":{"kind":"GitRepository","name":"site"}}}""");
        await SendAsync("POST", HelmReleases, """{"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"web"},"spec":{"interval":"5m","chart":{"spec":{"chart":"web","version":"1.0.0"}}}}""");
    }

    /// <summary>What kustomize-controller writes after applying <paramref name="revision"/>: attempted and applied, Ready.</summary>
    public Task KustomizationAppliedAsync(string revision, long generation = 1) => PatchStatusAsync(Kustomizations + "/site", $$$"""
        {"status":{"observedGeneration":{{{generation}}},"lastAttemptedRevision":"{{{revision}}}","lastAppliedRevision":"{{{revision}}}",
          "conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","message":"Applied revision: {{{revision}}}","observedGeneration":{{{generation}}},"lastTransitionTime":"2026-01-01T00:00:00Z"}],
          "inventory":{"entries":[{"id":"apps_web_helm.toolkit.fluxcd.io_HelmRelease","v":"v2"},{"id":"apps_web-config__ConfigMap","v":"v1"},{"id":"_apps__Namespace","v":"v1"}]},
          "history":[{"digest":"sha256:1","firstReconciled":"2026-01-01T00:00:00Z","lastReconciled":"2026-01-01T00:00:00Z","lastReconciledDuration":"1s","lastReconciledStatus":"ReconciliationSucceeded","totalReconciliations":1,"metadata":{"revision":"{{{revision}}}"}}]}}
        """);

    /// <summary>What helm-controller writes after a Helm action on <paramref name="generation"/>: its Ready condition, a
    /// Remediated one when <paramref name="remediated"/> is given, and <paramref name="history"/> (Flux's snapshots, most
    /// recent first, as a JSON array).</summary>
    public Task HelmReleaseAsync(long generation, string readyStatus, string reason, string message, string history, string? remediated = null)
    {
        var conditions = new JsonArray(Condition("Ready", readyStatus, reason, message, generation));
        if (remediated is not null)
        {
            conditions.Add(Condition("Remediated", "True", remediated, "Helm rollback to previous release apps/web.v1 succeeded", generation));
        }

        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["lastAttemptedGeneration"] = generation,
            ["conditions"] = conditions,
            ["history"] = JsonNode.Parse(history),
        };
        return PatchStatusAsync(HelmReleases + "/web", new JsonObject { ["status"] = status }.ToJsonString());
    }

    private static JsonObject Condition(string type, string status, string reason, string message, long generation) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = message,
        ["observedGeneration"] = generation,
        ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
    };

    public Task PatchStatusAsync(string path, string body) => SendAsync("PATCH", path + "/status", body, "application/merge-patch+json");

    public async Task<string> SendAsync(string method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"{method} {path} answered {text}");
        return text;
    }

    public FluxSource Source(string revision, CustomObjectWatchOptions? options = null, string kubeconfig = "", bool withHelmRelease = true) =>
        FluxSource.Connect(kubeconfig.Length == 0 ? Kubeconfig : kubeconfig, null, new NamespacedName("flux-system", "site"), withHelmRelease ? [new NamespacedName("apps", "web")] : [], revision, TimeProvider.System,
            options ?? new CustomObjectWatchOptions { RetryDelay = TimeSpan.FromMilliseconds(50), Retries = 2 });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
        _home.Dispose();
    }
}
