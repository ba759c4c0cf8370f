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

    /// <summary>The APIGroup of <paramref name="group"/> with its served versions in Kubernetes' version priority (GA before
    /// beta before alpha, higher numbers first, others last by name), the first preferred, as the apiserver orders a custom
    /// group's versions.</summary>
    public static JsonObject Group(string group, IReadOnlyList<string> served)
    {
        var versions = served.Where(gv => gv.Split('/')[0] == group && gv.Contains('/', StringComparison.Ordinal))
            .Select(gv => gv.Split('/')[1])
            .OrderBy(v => v, KubeVersionOrder.Instance)
            .Select(v => new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v })
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

/// <summary>apimachinery's <c>CompareKubeAwareVersionStrings</c>, highest priority first: <c>v2</c>, <c>v1</c>,
/// <c>v2beta1</c>, <c>v1beta2</c>, <c>v1beta1</c>, <c>v1alpha1</c>, then other names alphabetically.</summary>
internal sealed partial class KubeVersionOrder : IComparer<string>
{
    public static KubeVersionOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (a, b) = (Rank(x ?? string.Empty), Rank(y ?? string.Empty));
        if (a is null || b is null)
        {
            return a is null && b is null ? string.CompareOrdinal(x, y) : a is null ? 1 : -1;
        }

        return (b.Value.Stability, b.Value.Major, b.Value.Minor).CompareTo((a.Value.Stability, a.Value.Major, a.Value.Minor));
    }

    private static (int Stability, int Major, int Minor)? Rank(string version)
    {
        var match = Pattern().Match(version);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stability = match.Groups[2].Value switch { "" => 2, "beta" => 1, _ => 0 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stability, major, minor);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
