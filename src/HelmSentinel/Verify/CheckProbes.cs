using System.Text;

namespace HelmSentinel.Verify;

/// <summary>The probes of the check kinds that are sampled over HTTP, and the API server proxy URL they are sent to.</summary>
public static class CheckProbes
{
    /// <summary>
    /// A probe that sends <see cref="HttpCheck.Method"/> to <paramref name="target"/>, bounded by
    /// <see cref="HttpCheck.Timeout"/> (on its own, whatever the client's timeout), and judges the answer.
    /// </summary>
    /// <remarks>
    /// <para>In order: a 5xx whose body is a Kubernetes <c>Status</c> object is the API server's proxy speaking (no
    /// endpoints, the pod refused it), not the app: an error. A status outside <see cref="HttpCheck.ExpectStatus"/>
    /// fails; so does a body without <see cref="HttpCheck.BodyContains"/> (ordinal). With a
    /// <see cref="HttpCheck.JsonPath"/>, the value there must be a JSON number, or a string holding one (<c>"0.2"</c>,
    /// <c>"NaN"</c>); it is <c>result</c> for <see cref="HttpCheck.SuccessCondition"/>: met passes, not met fails. A
    /// body that is not JSON, nothing at the path, or a value that is no number (text, true, null, an object) is
    /// inconclusive: the app answered, but the condition cannot be judged. A timeout or a request that cannot be
    /// sent (refused, reset, DNS) is an error.</para>
    /// <para>The sample's value is the status code (<c>503</c>), or the number at the JSON path. Messages name the method and
    /// the check's path (a full URL without its query), never the proxy URL or a header. At most 1 MiB of a body is read.</para>
    /// </remarks>
    /// <param name="check">The check.</param>
    /// <param name="http">The client: for a service check, one that authenticates to the API server.</param>
    /// <param name="target">The full URL to request: <see cref="ServiceProxy"/>'s, or the check's <see cref="HttpCheck.Url"/>.</param>
    public static ICheckProbe Http(HttpCheck check, HttpClient http, Uri target)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(target);
        return new HttpProbe(check, http, target);
    }

    /// <summary>
    /// A probe that evaluates <see cref="PrometheusCheck.Query"/> through <paramref name="query"/>, bounded by
    /// <see cref="PrometheusCheck.Timeout"/>, and captures the baseline before the upgrade.
    /// </summary>
    /// <remarks>
    /// One sample: its condition decides (met passes, not met fails with <see cref="Condition.Describe"/>'s words, e.g.
    /// <c>0.23 &gt;= 0.01 and &gt; baseline 0.002 * 1.2</c>, undecidable for want of a baseline is inconclusive). NaN or no
    /// series follows <see cref="PrometheusCheck.OnEmpty"/>. Several series are inconclusive (aggregate the query). An
    /// invalid query fails: asking again will not make it pass (the document's parser cannot check PromQL, so
    /// <see cref="PrometheusProbe.BaselineAnswer"/> tells before the upgrade). Prometheus unavailable or too slow is an
    /// error. The baseline is the query's number before the upgrade; NaN, nothing or no answer then means no baseline.
    /// </remarks>
    /// <param name="check">The check.</param>
    /// <param name="query">Prometheus (its base URL, its bearer token: never quoted in a message).</param>
    public static PrometheusProbe Prometheus(PrometheusCheck check, PrometheusQuery query)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(query);
        return new PrometheusProbe(check, query);
    }

    /// <summary>
    /// The API server's service proxy URL for <paramref name="path"/> on <paramref name="service"/>:
    /// <c>APISERVER/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy/PATH</c>.
    /// </summary>
    /// <remarks>
    /// A path prefix of <paramref name="apiServer"/> is kept (<c>https://rancher.example/k8s/clusters/c-1</c>), its query
    /// dropped. The proxy speaks TLS to the pod (<c>https:</c> before the name) when the port is named <c>https</c> or
    /// <c>https-…</c> (the usual naming) or is 443; otherwise plain HTTP, as the API server does. The namespace, name and
    /// port are escaped whole; <paramref name="path"/> is taken as URL text: each segment keeps the escapes it has and
    /// gets the ones it needs, its query likewise. A <c>.</c> or <c>..</c> segment, which would climb out of the proxy,
    /// is refused.
    /// </remarks>
    /// <param name="apiServer">The API server's URL, as the kubeconfig gives it.</param>
    /// <param name="namespace">The namespace when <see cref="ServiceReference.Namespace"/> is null (the release's).</param>
    /// <param name="service">The Service and port.</param>
    /// <param name="path">The path behind the proxy, starting with <c>/</c>, optionally with a query (<c>/healthz?full=1</c>).</param>
    /// <exception cref="ArgumentException">The path does not start with <c>/</c> or has a dot segment.</exception>
    public static Uri ServiceProxy(Uri apiServer, string @namespace, ServiceReference service, string path)
    {
        ArgumentNullException.ThrowIfNull(apiServer);
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The path '{path}' does not start with '/'.", nameof(path));
        }

        var queryAt = path.IndexOf('?', StringComparison.Ordinal);
        var pathPart = queryAt < 0 ? path : path[..queryAt];
        var segments = pathPart.Split('/')[1..];
        if (segments.Any(s => Uri.UnescapeDataString(s) is "." or ".."))
        {
            throw new ArgumentException($"The path '{path}' has a '.' or '..' segment, which would leave the service proxy.", nameof(path));
        }

        var scheme = service.Port is "https" or "443" || service.Port.StartsWith("https-", StringComparison.Ordinal) ? "https:" : "";
        var text = new StringBuilder(apiServer.GetLeftPart(UriPartial.Path).TrimEnd('/'))
            .Append("/api/v1/namespaces/").Append(Uri.EscapeDataString(service.Namespace ?? @namespace))
            .Append("/services/").Append(scheme).Append(Uri.EscapeDataString(service.Name)).Append(':').Append(Uri.EscapeDataString(service.Port))
            .Append("/proxy/").AppendJoin('/', segments.Select(s => Escape(s, query: false)));
        if (queryAt >= 0)
        {
            text.Append('?').Append(Escape(path[(queryAt + 1)..], query: true));
        }

        return new Uri(text.ToString());
    }

    /// <summary>URL text with the escapes it lacks: unreserved, sub-delimiters, <c>:</c>, <c>@</c> and valid <c>%XX</c>
    /// stay; in a query <c>/</c> and <c>?</c> too; anything else is UTF-8 percent-encoded.</summary>
    private static string Escape(string text, bool query)
    {
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@".Contains(c, StringComparison.Ordinal) || (query && c is '/' or '?')
                || (c == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2])))
            {
                escaped.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            foreach (var b in Encoding.UTF8.GetBytes(text.Substring(i, length)))
            {
                escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            i += length - 1;
        }

        return escaped.ToString();
    }
}
