using HelmSentinel.Simulator.Storage;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>Reading and writing nested fields of Kubernetes JSON for the controllers.</summary>
internal static class Json
{
    /// <summary>The boolean at a dotted path, or null.</summary>
    public static bool? Bool(this JsonNode? node, string path) => node.At(path) switch
    {
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => null,
    };

    /// <summary>The objects of the array at a dotted path (empty when absent).</summary>
    public static IEnumerable<JsonObject> Objects(this JsonNode? node, string path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonObject>() : [];

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
        (o.Text("metadata.name") ?? string.Empty, o.Text("metadata.namespace") ?? string.Empty, o.Text("metadata.uid") ?? string.Empty);

    /// <summary>The uid of the controller ownerReference, or null.</summary>
    public static string? ControllerUid(this JsonObject o) =>
        o.Objects("metadata.ownerReferences").FirstOrDefault(r => r.Bool("controller") == true)?.Text("uid");

    /// <summary>The controller ownerReference (kind, name), or null.</summary>
    public static (string Kind, string Name)? ControllerRef(this JsonObject o) =>
        o.Objects("metadata.ownerReferences").FirstOrDefault(r => r.Bool("controller") == true) is { } r
            ? (r.Text("kind") ?? string.Empty, r.Text("name") ?? string.Empty)
            : null;

    /// <summary>A controller ownerReference to <paramref name="owner"/>.</summary>
    public static JsonArray OwnerReference(JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner.Text("apiVersion"),
        ["kind"] = owner.Text("kind"),
        ["name"] = owner.Text("metadata.name"),
        ["uid"] = owner.Text("metadata.uid"),
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

        foreach (var (k, v) in s.StringMap("matchLabels"))
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        foreach (var e in s.Objects("matchExpressions"))
        {
            var key = e.Text("key") ?? string.Empty;
            var values = (e["values"] as JsonArray)?.Select(x => x?.GetValue<string>()).ToList() ?? [];
            var has = labels.TryGetValue(key, out var val);
            var ok = e.Text("operator") switch
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
