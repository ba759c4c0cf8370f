using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>Reading and writing nested fields of Kubernetes JSON for the controllers.</summary>
internal static class Json
{
    /// <summary>The node at a dotted path, or null.</summary>
    public static JsonNode? Node(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The string at a dotted path (numbers and booleans as text), or null.</summary>
    public static string? Str(this JsonNode? node, string path) => node.Node(path) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>The integer at a dotted path, or null.</summary>
    public static long? Num(this JsonNode? node, string path) => node.Node(path) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        JsonValue v when v.GetValueKind() == JsonValueKind.String &&
            long.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    /// <summary>A JSON number as an integer, whatever CLR type backs it.</summary>
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

    /// <summary>The boolean at a dotted path, or null.</summary>
    public static bool? Bool(this JsonNode? node, string path) => node.Node(path) switch
    {
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => null,
    };

    /// <summary>The child object at <paramref name="key"/>, created when absent.</summary>
    public static JsonObject Child(this JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>The objects of the array at a dotted path (empty when absent).</summary>
    public static IEnumerable<JsonObject> Objects(this JsonNode? node, string path) =>
        node.Node(path) is JsonArray a ? a.OfType<JsonObject>() : [];

    /// <summary>The string map at a dotted path (labels, annotations).</summary>
    public static Dictionary<string, string> Map(this JsonNode? node, string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Node(path) is JsonObject o)
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

    /// <summary>A JSON object of strings.</summary>
    public static JsonObject ToJson(this IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map)
        {
            o[k] = v;
        }

        return o;
    }

    /// <summary>Deep clone typed as an object.</summary>
    public static JsonObject Copy(this JsonObject o) => (JsonObject)o.DeepClone();

    /// <summary>Sets <paramref name="key"/> and reports whether the value changed.</summary>
    public static bool SetIfChanged(this JsonObject parent, string key, JsonNode? value)
    {
        if (JsonNode.DeepEquals(parent[key], value))
        {
            return false;
        }

        parent[key] = value;
        return true;
    }

    /// <summary>Name, namespace and uid of an object.</summary>
    public static (string Name, string Namespace, string Uid) Id(this JsonObject o) =>
        (o.Str("metadata.name") ?? string.Empty, o.Str("metadata.namespace") ?? string.Empty, o.Str("metadata.uid") ?? string.Empty);

    /// <summary>The uid of the controller ownerReference, or null.</summary>
    public static string? ControllerUid(this JsonObject o) =>
        o.Objects("metadata.ownerReferences").FirstOrDefault(r => r.Bool("controller") == true)?.Str("uid");

    /// <summary>The controller ownerReference (kind, name), or null.</summary>
    public static (string Kind, string Name)? ControllerRef(this JsonObject o) =>
        o.Objects("metadata.ownerReferences").FirstOrDefault(r => r.Bool("controller") == true) is { } r
            ? (r.Str("kind") ?? string.Empty, r.Str("name") ?? string.Empty)
            : null;

    /// <summary>A controller ownerReference to <paramref name="owner"/>.</summary>
    public static JsonArray OwnerReference(JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner.Str("apiVersion"),
        ["kind"] = owner.Str("kind"),
        ["name"] = owner.Str("metadata.name"),
        ["uid"] = owner.Str("metadata.uid"),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    });

    /// <summary>RFC 3339 with seconds, as Kubernetes writes metav1.Time.</summary>
    public static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 with microseconds, as Kubernetes writes metav1.MicroTime.</summary>
    public static string MicroTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a timestamp written by <see cref="Time"/>; null when absent or invalid.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Whether <paramref name="labels"/> carry every key/value of a label selector's matchLabels
    /// and satisfy its matchExpressions (In, NotIn, Exists, DoesNotExist).</summary>
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return false;
        }

        foreach (var (k, v) in s.Map("matchLabels"))
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        foreach (var e in s.Objects("matchExpressions"))
        {
            var key = e.Str("key") ?? string.Empty;
            var values = (e["values"] as JsonArray)?.Select(x => x?.GetValue<string>()).ToList() ?? [];
            var has = labels.TryGetValue(key, out var val);
            var ok = e.Str("operator") switch
            {
                "In" => has && values.Contains(val),
                "NotIn" => !has || !values.Contains(val),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
