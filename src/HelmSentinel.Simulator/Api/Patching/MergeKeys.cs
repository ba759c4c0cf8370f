using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>
/// The strategic-merge keys of the built-in types, by field name: lists of objects under these names
/// merge item by item; any other list is replaced whole (or, for <c>finalizers</c>, merged as a set).
/// </summary>
internal static class MergeKeys
{
    private static readonly Dictionary<string, string> ByField = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["resourceClaims"] = "name",
        ["topologySpreadConstraints"] = "topologyKey",
    };

    /// <summary>The merge key for a list field, looking at the items for <c>ports</c>; null = atomic list.</summary>
    public static string? For(string field, params JsonArray?[] lists)
    {
        if (field == "ports")
        {
            var items = lists.Where(l => l is not null).SelectMany(l => l!).OfType<JsonObject>();
            return items.Any(i => i.ContainsKey("containerPort")) ? "containerPort" : "port";
        }

        return ByField.GetValueOrDefault(field);
    }

    /// <summary>Whether a list of scalars merges as a set instead of being replaced.</summary>
    public static bool IsMergedScalarList(string field) => field == "finalizers";
}
