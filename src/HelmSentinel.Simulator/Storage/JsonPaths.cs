using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>Small helpers to read and write nested fields of Kubernetes objects.</summary>
internal static class JsonPaths
{
    /// <summary>The node at a dotted path (<c>metadata.name</c>), or null.</summary>
    public static JsonNode? At(this JsonNode? node, string dottedPath)
    {
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The string (or number/bool rendered as text) at a dotted path, or null.</summary>
    public static string? Text(this JsonNode? node, string dottedPath) => node.At(dottedPath) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>The integer at a dotted path, or null.</summary>
    public static long? Long(this JsonNode? node, string dottedPath) => node.At(dottedPath) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    /// <summary>A JSON number as an integer, whatever CLR type backs it (parsed text, int, long, double).</summary>
    public static long Number(JsonValue v)
    {
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        return v.TryGetValue<double>(out var d) ? (long)d : (long)v.GetValue<decimal>();
    }

    /// <summary>The object at <paramref name="key"/>, created when absent or not an object.</summary>
    public static JsonObject Obj(this JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> when it is absent or null.</summary>
    public static void Default(this JsonObject parent, string key, JsonNode value)
    {
        if (parent[key] is null)
        {
            parent[key] = value;
        }
    }

    /// <summary>The objects in the array at <paramref name="key"/> (empty when absent).</summary>
    public static IEnumerable<JsonObject> Items(this JsonObject? parent, string key) =>
        parent?[key] is JsonArray a ? a.OfType<JsonObject>() : [];

    /// <summary>The objects in the array at a nested key (<c>metadata</c>, <c>ownerReferences</c>).</summary>
    public static IEnumerable<JsonObject> Items(this JsonObject? parent, string key, string nestedKey) =>
        (parent?[key] as JsonObject).Items(nestedKey);

    /// <summary>Deep clone typed as an object.</summary>
    public static JsonObject Clone(this JsonObject obj) => (JsonObject)obj.DeepClone();

    /// <summary>The string map at a dotted path (labels, annotations, matchLabels).</summary>
    public static IReadOnlyDictionary<string, string> StringMap(this JsonNode? node, string dottedPath)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(dottedPath) is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                if (v is JsonValue value)
                {
                    map[k] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                }
            }
        }

        return map;
    }
}
