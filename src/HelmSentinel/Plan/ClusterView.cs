using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Kubernetes;

namespace HelmSentinel.Plan;

/// <summary>The API server's answers a plan needs, over plain HTTP with the kubeconfig's credentials: discovery (which
/// kinds each group-version serves, and where), objects by key, and server-side dry-run applies. Read-only: every write is
/// <c>dryRun=All</c>. Transient failures (a refused connection, 429, 5xx) are tried three times.</summary>
public sealed class ClusterView : IDisposable
{
    /// <summary>The field manager of the dry-run applies.</summary>
    public const string FieldManager = "helm-sentinel-preflight";

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600)];

    // One read or dry run that takes longer is a cluster in trouble: it is tried again, and then the preflight gives up.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly ApiServerHttp _api;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string GroupVersion, string Kind), (string Resource, bool Namespaced)> _resources = [];

    private ClusterView(ApiServerHttp api, TimeProvider time)
    {
        _api = api;
        _time = time;
    }

    /// <summary>The kinds the cluster serves, by group-version (<c>v1</c>, <c>apps/v1</c>), from its discovery.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Served { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>Connects as helm would and reads the discovery documents.</summary>
    /// <exception cref="ClusterUnreachableException">The API server cannot be reached or answers discovery with an error.</exception>
    public static async Task<ClusterView> OpenAsync(string? kubeconfig, string? context, TimeProvider time, CancellationToken cancellationToken)
    {
        ApiServerHttp api;
        try
        {
            api = ApiServerHttp.Create(kubeconfig, context);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException)
        {
            throw new ClusterUnreachableException($"the kubeconfig cannot be loaded: {e.Message}", e);
        }

        var view = new ClusterView(api, time);
        try
        {
            await view.DiscoverAsync(cancellationToken);
            return view;
        }
        catch
        {
            view.Dispose();
            throw;
        }
    }

    /// <summary>Connects as helm would without reading discovery: only ConfigMaps and Secrets (core <c>v1</c>, served by every
    /// cluster) can be read, for a caller that needs no more and should not pay for the discovery documents.</summary>
    /// <exception cref="ClusterUnreachableException">The kubeconfig cannot be loaded.</exception>
    public static ClusterView OpenCore(string? kubeconfig, string? context, TimeProvider time)
    {
        try
        {
            var view = new ClusterView(ApiServerHttp.Create(kubeconfig, context), time);
            view._resources[("v1", "ConfigMap")] = ("configmaps", true);
            view._resources[("v1", "Secret")] = ("secrets", true);
            return view;
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException)
        {
            throw new ClusterUnreachableException($"the kubeconfig cannot be loaded: {e.Message}", e);
        }
    }

    /// <summary>The live object, or null when the cluster has none (404) or does not serve its kind.</summary>
    /// <exception cref="ClusterUnreachableException">The read failed for another reason.</exception>
    public async Task<JsonObject?> GetAsync(ObjectKey key, string apiVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (PathOf(key, apiVersion, withName: true) is not { } path)
        {
            return null;
        }

        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await ReadAsync(response, "GET " + key.Display, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ClusterUnreachableException($"GET {key.Display}: {(int)response.StatusCode} {StatusMessage(text)}") { Status = (int)response.StatusCode };
        }

        return Parse(text, "GET " + key.Display);
    }

    /// <summary>True when the namespace exists, or when the identity may not read namespaces (a CI identity bound to its
    /// namespace cannot: its namespace is there, or the upgrade says otherwise).</summary>
    public async Task<bool> NamespaceExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return name.Length == 0 || await GetAsync(new ObjectKey("", "Namespace", "", name), "v1", cancellationToken) is not null;
        }
        catch (ClusterUnreachableException e) when (e.Status is 401 or 403)
        {
            return true;
        }
    }

    /// <summary>
    /// A server-side apply of <paramref name="item"/> (its YAML as helm rendered it) with <c>dryRun=All</c> (and <c>force</c>, so only what the API server
    /// itself refuses fails: validation, immutable fields, admission): nothing is stored. Null when it would be accepted;
    /// else the API server's status code and message.
    /// </summary>
    public async Task<(int Status, string Message)?> DryRunApplyAsync(ManifestObject item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (PathOf(item.Key, item.ApiVersion, withName: true) is not { } path)
        {
            return null;
        }

        var json = item.Document ?? item.Body.ToJsonString();
        var uri = $"{path}?dryRun=All&fieldManager={FieldManager}&force=true";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, uri)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/apply-patch+yaml")),
        }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        return ((int)response.StatusCode, StatusMessage(await ReadAsync(response, "PATCH " + item.Key.Display, cancellationToken)));
    }

    /// <summary>Group-versions whose resource list could not be read (an aggregated API that is down): their kinds are not
    /// known, so no object of theirs is called unserved.</summary>
    public IReadOnlySet<string> Unknown { get; private set; } = new HashSet<string>();

    /// <inheritdoc />
    public void Dispose() => _api.Dispose();

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var groupVersions = new List<string>();
        var core = await ReadAsync("/api", cancellationToken);
        groupVersions.AddRange((core["versions"] as JsonArray ?? []).Select(v => JsonTree.Text(v)).OfType<string>());
        var groups = await ReadAsync("/apis", cancellationToken);
        foreach (var group in (groups["groups"] as JsonArray ?? []).OfType<JsonObject>())
        {
            groupVersions.AddRange((group["versions"] as JsonArray ?? []).Select(v => JsonTree.Text(v?["groupVersion"])).OfType<string>());
        }

        var lists = await Task.WhenAll(groupVersions.Distinct().Select(async gv =>
        {
            try
            {
                return (GroupVersion: gv, List: await ReadAsync(gv.Contains('/', StringComparison.Ordinal) ? "/apis/" + gv : "/api/" + gv, cancellationToken));
            }
            catch (ClusterUnreachableException) when (gv.Contains('/', StringComparison.Ordinal))
            {
                return (GroupVersion: gv, List: (JsonObject?)null);
            }
        }));
        var served = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        Unknown = lists.Where(l => l.List is null).Select(l => l.GroupVersion).ToHashSet(StringComparer.Ordinal);
        foreach (var (gv, list) in lists.Where(l => l.List is not null).Select(l => (l.GroupVersion, l.List!)))
        {
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var resource in (list["resources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var name = JsonTree.Text(resource["name"]) ?? "";
                var kind = JsonTree.Text(resource["kind"]);
                if (name.Contains('/', StringComparison.Ordinal) || kind is null)
                {
                    continue;
                }

                kinds.Add(kind);
                _resources[(gv, kind)] = (name, JsonTree.Text(resource["namespaced"]) == "true");
            }

            served[gv] = kinds;
        }

        Served = served;
    }

    private async Task<JsonObject> ReadAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        var text = await ReadAsync(response, "GET " + path, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ClusterUnreachableException($"GET {path}: {(int)response.StatusCode} {StatusMessage(text)}") { Status = (int)response.StatusCode };
        }

        return Parse(text, "GET " + path) ?? throw new ClusterUnreachableException($"GET {path}: not a JSON object");
    }

    // A body cut off, or a connection reset while it is read, is the cluster's failure like a refused connection.
    private static async Task<string> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ClusterUnreachableException($"{what}: the answer could not be read: {e.Message}", e);
        }
    }

    // What a proxy in front of the API server answers (an HTML page) is no object.
    private static JsonObject? Parse(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ClusterUnreachableException($"{what}: the answer is not JSON: {e.Message}", e);
        }
    }

    private string? PathOf(ObjectKey key, string apiVersion, bool withName)
    {
        if (!_resources.TryGetValue((apiVersion, key.Kind), out var resource))
        {
            return null;
        }

        var root = apiVersion.Contains('/', StringComparison.Ordinal) ? "/apis/" + apiVersion : "/api/" + apiVersion;
        var ns = resource.Namespaced && key.Namespace.Length > 0 ? "/namespaces/" + Uri.EscapeDataString(key.Namespace) : "";
        return root + ns + "/" + resource.Resource + (withName ? "/" + Uri.EscapeDataString(key.Name) : "");
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var message = request();
            message.RequestUri = new Uri(_api.BaseUri, _api.BaseUri.AbsolutePath.TrimEnd('/') + message.RequestUri!.OriginalString);
            message.Headers.Accept.ParseAdd("application/json");
            HttpResponseMessage? response = null;
            Exception? failure = null;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(RequestTimeout);
            try
            {
                response = await _api.Http.SendAsync(message, deadline.Token);
            }
            catch (HttpRequestException e)
            {
                failure = e;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }

            var transient = failure is not null || response!.StatusCode is HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            if (!transient)
            {
                return response!;
            }

            if (attempt >= Backoff.Length)
            {
                if (response is not null)
                {
                    return response;
                }

                throw new ClusterUnreachableException($"the API server {_api.BaseUri} cannot be reached: {failure!.Message}", failure);
            }

            response?.Dispose();
            await Task.Delay(Backoff[attempt], _time, cancellationToken);
        }
    }

    private static string StatusMessage(string body)
    {
        try
        {
            return JsonTree.Text(JsonNode.Parse(body)?["message"]) ?? body.Trim();
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Trim();
        }
    }
}

/// <summary>The API server cannot be reached, or refuses a read the plan needs.</summary>
public sealed class ClusterUnreachableException : Exception
{
    /// <inheritdoc />
    public ClusterUnreachableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>The API server's status code, when it answered.</summary>
    public int? Status { get; init; }

    /// <inheritdoc />
    public ClusterUnreachableException()
    {
    }

    /// <inheritdoc />
    public ClusterUnreachableException(string message)
        : base(message)
    {
    }
}
