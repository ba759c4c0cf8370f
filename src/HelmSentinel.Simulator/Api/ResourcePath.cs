using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>A parsed resource URL: <c>/api/v1/namespaces/NS/pods/NAME/log</c> and friends.</summary>
internal sealed record ResourcePath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Parses a path below <c>/api/v1</c> or <c>/apis/GROUP/VERSION</c>; null when it is not a resource path
    /// (discovery). Throws 404 for unknown resources, like a real server.
    /// </summary>
    public static ResourcePath? Parse(string path, TypeCatalogue types)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        string group;
        string version;
        List<string> rest;
        if (segments.Count >= 2 && segments[0] == "api")
        {
            (group, version, rest) = (string.Empty, segments[1], segments[2..]);
        }
        else if (segments.Count >= 3 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            return null;
        }

        if (rest.Count == 0)
        {
            return null;
        }

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Count >= 3 && !(rest.Count == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        var type = types.Find(group, version, rest[0]);
        if (type is null || rest.Count > 3 || (ns is not null && !type.Namespaced))
        {
            throw NotFound();
        }

        var subresource = rest.Count == 3 ? rest[2] : null;
        if (subresource is not null && !ResourceTypes.Subresources(type).Contains(subresource))
        {
            throw NotFound();
        }

        return new ResourcePath(type, ns, rest.Count >= 2 ? rest[1] : null, subresource);
    }

    /// <summary>The 404 a real server gives for an unknown path.</summary>
    public static ApiException NotFound() =>
        new(404, "NotFound", "the server could not find the requested resource") { Details = new System.Text.Json.Nodes.JsonObject() };
}
