using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;

namespace HelmSentinel.Deploy;

/// <summary>
/// Helm's release records in the cluster, read as helm's default storage driver (<c>secret</c>) reads them: the Secrets
/// of the release's namespace labelled <c>name=RELEASE,owner=helm</c>, each <c>data.release</c> the base64 of the gzip of
/// the release's JSON (base64 again on the wire). One list request where <c>helm history</c> is a process that starts,
/// connects and reads the same list. Anything unexpected (no kubeconfig, a refused or failed request, a record it cannot
/// decode) answers null, and helm is asked as before; it never changes anything.
/// </summary>
internal sealed class SecretReleaseStore : IReleaseStore, IDisposable
{
    // One answer that takes longer is a cluster in trouble, which helm's own read (with its retries) then meets.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    private readonly Dictionary<(string? Kubeconfig, string? Context), ApiServerHttp?> _connections = [];
    private readonly object _gate = new();

    /// <summary>True when helm keeps its releases in Secrets: <c>HELM_DRIVER</c> unset, empty, <c>secret</c> or <c>secrets</c>.</summary>
    /// <param name="helmDriver">The <c>HELM_DRIVER</c> helm runs with.</param>
    public static bool Serves(string? helmDriver) => string.IsNullOrWhiteSpace(helmDriver) || helmDriver.Trim() is "secret" or "secrets";

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRevision>?> ReadAsync(HelmTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Connection(target) is not { } api)
        {
            return null;
        }

        var selector = Uri.EscapeDataString($"name={target.Release},owner=helm");
        var path = $"{api.BaseUri.AbsolutePath.TrimEnd('/')}/api/v1/namespaces/{Uri.EscapeDataString(target.Namespace)}/secrets?labelSelector={selector}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.BaseUri, path));
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await api.Http.SendAsync(request, deadline.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var list = await JsonDocument.ParseAsync(body, cancellationToken: deadline.Token);
            return Decode(list.RootElement, target.Release);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or FormatException or InvalidDataException or OperationCanceledException)
        {
            // Cancelled included: helm, asked next with the same token, ends the way a cancelled read always has.
            return null;
        }
    }

    /// <summary>The revisions of a Secret list's items, oldest first; null when one cannot be read as helm would.</summary>
    /// <param name="list">The <c>SecretList</c>.</param>
    /// <param name="release">The release (an item of another name is not one of its records).</param>
    internal static IReadOnlyList<StoredRevision>? Decode(JsonElement list, string release)
    {
        if (!list.TryGetProperty("items", out var items) || items.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            return null;
        }

        var revisions = new List<StoredRevision>();
        foreach (var item in items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : default)
        {
            if (!item.TryGetProperty("data", out var data) || !data.TryGetProperty("release", out var encoded) || encoded.GetString() is not { } wire)
            {
                return null;
            }

            var json = ReleaseJson(Convert.FromBase64String(wire));
            using var record = JsonDocument.Parse(json);
            var root = record.RootElement;
            if (Text(root, "name") != release || !root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var revision)
                || !root.TryGetProperty("info", out var info) || Text(info, "status") is not { Length: > 0 } status)
            {
                return null;
            }

            var chart = root.TryGetProperty("chart", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("metadata", out var metadata)
                ? metadata
                : (JsonElement?)null;
            var entry = new HistoryEntry(
                revision,
                ReleaseHistory.ParseGoTime(Text(info, "last_deployed")),
                status,
                chart is { } m ? $"{Text(m, "name")}-{Text(m, "version")}" : "MISSING",
                chart is { } n ? Text(n, "appVersion") ?? "" : "MISSING",
                Text(info, "description") ?? "");
            revisions.Add(new StoredRevision(entry, json));
        }

        return [.. revisions.OrderBy(r => r.Entry.Revision)];
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var api in _connections.Values)
            {
                api?.Dispose();
            }

            _connections.Clear();
        }
    }

    // helm's own decoding: base64, then gunzip when the bytes start with gzip's magic number (older records are plain JSON).
    private static string ReleaseJson(byte[] secretData)
    {
        var bytes = Convert.FromBase64String(Encoding.ASCII.GetString(secretData));
        if (bytes.Length < 2 || bytes[0] != GzipMagic[0] || bytes[1] != GzipMagic[1])
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private ApiServerHttp? Connection(HelmTarget target)
    {
        lock (_gate)
        {
            var key = (target.Kubeconfig, target.KubeContext);
            if (!_connections.TryGetValue(key, out var api))
            {
                try
                {
                    api = ApiServerHttp.Create(target.Kubeconfig, target.KubeContext);
                }
                catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    api = null; // helm reads the kubeconfig itself, and says what is wrong with it
                }

                _connections[key] = api;
            }

            return api;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
