using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSentinel.Plan;

/// <summary>Paths, texts and list matching over JSON trees, shared by the diff, the drift and the preflight checks. Pure.</summary>
internal static partial class JsonTree
{
    // List items are matched by the first of these keys that every item of both lists has, once each: the merge keys of the
    // lists a chart writes (containers, env, volumes by name; mounts by path; ports by number; conditions by type).
    private static readonly string[] MatchKeys = ["name", "mountPath", "containerPort", "port", "type", "ip", "key", "path"];

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The path of a field below <paramref name="parent"/>: <c>.name</c>, or <c>["a/b"]</c> for a key that is no identifier.</summary>
    public static string Child(string parent, string key)
    {
        var plain = key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && !char.IsAsciiDigit(key[0]);
        return plain ? (parent.Length == 0 ? key : parent + "." + key) : parent + "[\"" + key.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"]";
    }

    /// <summary>The path of a list item: <c>[name=web]</c> when matched by a key, else <c>[2]</c>.</summary>
    public static string Item(string parent, string? key, string id) => key is null ? $"{parent}[{id}]" : $"{parent}[{key}={id}]";

    /// <summary>A scalar's text (a string as it is, a number invariant, a boolean lower case), or the compact JSON of a map or
    /// list; null for a missing or null value.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value when value.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue value when value.GetValueKind() is JsonValueKind.Number => Number(value),
        _ => node.ToJsonString(Compact),
    };

    /// <summary>True for a map or a list with nothing in it, which the API server drops.</summary>
    public static bool IsEmpty(JsonNode? node) => node is JsonObject { Count: 0 } or JsonArray { Count: 0 };

    /// <summary>True for what an object's JSON leaves out when it is the field's zero value (Go's <c>omitempty</c>): null, an
    /// empty map, list or string, <c>false</c> and 0. The API server does not return such a field, so its absence is no change.</summary>
    public static bool IsUnset(JsonNode? node) => node switch
    {
        null => true,
        JsonObject { Count: 0 } or JsonArray { Count: 0 } => true,
        JsonValue value => Text(value) is "" or "false" or "0",
        _ => false,
    };

    /// <summary>Two values are the same when their texts are (<c>"80"</c> and <c>80</c> too: a manifest's quoting is not a change).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => a switch
    {
        JsonObject x when b is JsonObject y => x.Count == y.Count && x.All(p => y.ContainsKey(p.Key) && Same(p.Value, y[p.Key])),
        JsonArray x when b is JsonArray y => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        JsonObject or JsonArray => false,
        _ => b is not (JsonObject or JsonArray) && (Text(a) == Text(b) || SameQuantity(Text(a), Text(b))),
    };

    // Resource quantities as the API server writes them back: 0.5 is 500m, 1024Mi is 1Gi, 1000m is 1.
    private static bool SameQuantity(string? a, string? b) =>
        a is not null && b is not null && Quantity(a) is { } x && Quantity(b) is { } y && x == y;

    private static decimal? Quantity(string text)
    {
        var match = QuantityPattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        decimal scale = match.Groups[2].Value switch
        {
            "" => 1m,
            "m" => 0.001m,
            "k" => 1e3m,
            "M" => 1e6m,
            "G" => 1e9m,
            "T" => 1e12m,
            "P" => 1e15m,
            "E" => 1e18m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            "Ti" => 1024m * 1024 * 1024 * 1024,
            "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
            "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
            _ => 0m,
        };
        return scale == 0m ? null : number * scale;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial System.Text.RegularExpressions.Regex QuantityPattern();

    /// <summary>The key both lists' items can be matched by, or null to match them by position.</summary>
    public static string? MatchKey(JsonArray a, JsonArray b)
    {
        foreach (var key in MatchKeys)
        {
            if (Keyed(a, key) && Keyed(b, key))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The items of a list by their <paramref name="key"/>'s text.</summary>
    public static Dictionary<string, JsonNode> ByKey(JsonArray list, string key) =>
        list.ToDictionary(i => Text(i![key])!, i => i!, StringComparer.Ordinal);

    /// <summary>The value at a dotted path of plain keys (<c>spec.selector</c>), or null.</summary>
    public static JsonNode? At(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.'))
        {
            node = node is JsonObject map && map.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }

    private static bool Keyed(JsonArray list, string key)
    {
        if (list.Count == 0)
        {
            return false;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return list.All(i => i is JsonObject item && item[key] is JsonValue && Text(item[key]) is { } id && seen.Add(id));
    }

    private static string Number(JsonValue value)
    {
        if (value.TryGetValue<long>(out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        var d = value.GetValue<double>();
        return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
    }
}
