using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>The discovery documents: <c>/version</c>, <c>/api</c>, <c>/apis</c> and the APIResourceLists.</summary>
internal static class Discovery
{
    public static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.3",
        ["gitCommit"] = "helmsentinel-simulator",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-03-11T00:00:00Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(IReadOnlyList<string> served) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray(served.Where(gv => !gv.Contains('/', StringComparison.Ordinal)).Select(gv => (JsonNode)gv).ToArray()),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1" }),
    };

    public static JsonObject GroupList(IReadOnlyList<string> served) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(served.Where(gv => gv.Contains('/', StringComparison.Ordinal)).Select(gv => gv.Split('/')[0]).Distinct()
            .Select(g => (JsonNode)Group(g, served)).ToArray()),
    };

    /// <summary>The APIGroup of <paramref name="group"/> with its served versions, the first preferred (a custom group's
    /// versions in the order the definitions list them).</summary>
    public static JsonObject Group(string group, IReadOnlyList<string> served)
    {
        var versions = served.Where(gv => gv.Split('/')[0] == group && gv.Contains('/', StringComparison.Ordinal))
            .Select(gv => new JsonObject { ["groupVersion"] = gv, ["version"] = gv.Split('/')[1] })
            .ToList();
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)v).ToArray()),
            ["preferredVersion"] = versions[0].DeepClone(),
        };
    }

    public static JsonObject ResourceList(TypeCatalogue types, string groupVersion)
    {
        var resources = new JsonArray();
        foreach (var type in types.InGroupVersion(groupVersion))
        {
            var entry = new JsonObject
            {
                ["name"] = type.Resource,
                ["singularName"] = type.Singular ?? type.Kind.ToLowerInvariant(),
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (type.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray(type.ShortNames.Select(s => (JsonNode)s).ToArray());
            }

            if (type.IsCustom && type.Categories.Count > 0)
            {
                entry["categories"] = new JsonArray(type.Categories.Select(c => (JsonNode)c).ToArray());
            }
            else if (ResourceTypes.InCategoryAll(type))
            {
                entry["categories"] = new JsonArray("all");
            }

            resources.Add(entry);
            // In name order, as the apiserver lists them (pods/log, pods/proxy, pods/status).
            foreach (var sub in ResourceTypes.Subresources(type).Order(StringComparer.Ordinal))
            {
                var (kind, group, version, verbs) = sub switch
                {
                    "scale" => ("Scale", "autoscaling", "v1", new[] { "get", "patch", "update" }),
                    "log" => ("Pod", string.Empty, "v1", new[] { "get" }),
                    "proxy" => (type.Kind + "ProxyOptions", string.Empty, "v1", new[] { "create", "delete", "get", "patch", "update" }),
                    _ => (type.Kind, type.Group, type.Version, new[] { "get", "patch", "update" }),
                };
                var subEntry = new JsonObject
                {
                    ["name"] = $"{type.Resource}/{sub}",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = kind,
                    ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
                };
                if (sub == "scale")
                {
                    subEntry["group"] = group;
                    subEntry["version"] = version;
                }

                resources.Add(subEntry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = resources,
        };
    }
}
