using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// A parsed proxy URL, <c>/api/v1/namespaces/NS/services/ID/proxy[/PATH]</c> or <c>.../pods/ID/proxy[/PATH]</c>, where ID is
/// <c>name</c>, <c>name:port</c> or <c>scheme:name:port</c> (<c>SplitSchemeNamePort</c>: scheme http, https or empty).
/// </summary>
/// <param name="Type">Services or Pods.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Id">The id as written (decoded), e.g. <c>https:web:8443</c>.</param>
/// <param name="Path">The path on the backend: empty for <c>/proxy</c> itself (which the apiserver redirects to <c>/proxy/</c>),
/// otherwise from <c>/</c>, decoded, cleaned of empty, <c>.</c> and <c>..</c> segments, with a trailing slash kept.</param>
internal sealed record ProxyTarget(ResourceType Type, string Namespace, string Id, string Path)
{
    /// <summary>The id split into scheme, name and port; null when the id is not one of the three forms (a 400).</summary>
    public (string Scheme, string Name, string Port)? Split()
    {
        var parts = Id.Split(':');
        var (scheme, name, port) = parts.Length switch
        {
            1 => (string.Empty, parts[0], string.Empty),
            2 => (string.Empty, parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (null, string.Empty, string.Empty),
        };
        return name.Length > 0 && scheme is "" or "http" or "https" ? (scheme, name, port) : null;
    }

    /// <summary>The object name in the id (for faults and the request log), or the id itself when it does not parse.</summary>
    public string Name => Split()?.Name ?? Id;

    /// <summary>Parses a request path (as Kestrel gives it: decoded except <c>%2F</c>); null when it is not a proxy URL.</summary>
    public static ProxyTarget? Parse(string path)
    {
        var segments = path.Split('/');
        // "", "api", "v1", "namespaces", NS, "services"|"pods", ID, "proxy", rest...
        if (segments.Length < 8 || segments[0].Length != 0 || segments[1] != "api" || segments[2] != "v1" || segments[3] != "namespaces" ||
            segments[7] != "proxy" || segments[4].Length == 0 || segments[6].Length == 0)
        {
            return null;
        }

        var type = segments[5] switch
        {
            "services" => ResourceTypes.Services,
            "pods" => ResourceTypes.Pods,
            _ => null,
        };
        if (type is null)
        {
            return null;
        }

        var rest = segments.Skip(8).Select(Uri.UnescapeDataString).ToList();
        return new ProxyTarget(type, Uri.UnescapeDataString(segments[4]), Uri.UnescapeDataString(segments[6]), BackendPath(rest, path.EndsWith('/')));
    }

    /// <summary>
    /// The apiserver's subpath: the segments after <c>proxy</c> joined from <c>/</c>, a trailing slash kept, then cleaned as Go's
    /// <c>path.Join</c> does; <c>proxy</c> alone is empty, <c>proxy/</c> is <c>/</c>.
    /// </summary>
    internal static string BackendPath(IReadOnlyList<string> rest, bool trailingSlash)
    {
        var joined = string.Join('/', rest);
        if (joined.Trim('/').Length == 0)
        {
            return trailingSlash ? "/" : string.Empty;
        }

        var clean = new List<string>();
        foreach (var segment in joined.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (clean.Count > 0)
                    {
                        clean.RemoveAt(clean.Count - 1);
                    }

                    break;
                default:
                    clean.Add(segment);
                    break;
            }
        }

        var result = "/" + string.Join('/', clean);
        return trailingSlash && !result.EndsWith('/') ? result + "/" : result;
    }
}
