using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Validation;

/// <summary>
/// Values rendered as the apiserver's <c>field.Invalid</c> errors print them: Go's <c>%#v</c> of the (dereferenced) new
/// value. Label selectors and string slices are exact; other structs are an approximation (see <see cref="Struct"/>).
/// </summary>
internal static class GoSyntax
{
    /// <summary>A string as Go's <c>%q</c> writes it.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary><c>[]string{"a", "b"}</c>, or <c>[]string(nil)</c> for a missing list.</summary>
    public static string StringSlice(IEnumerable<string>? items) =>
        items is null ? "[]string(nil)" : "[]string{" + string.Join(", ", items.Select(Quote)) + "}";

    /// <summary>
    /// A <c>metav1.LabelSelector</c> exactly as <c>%#v</c> prints it, e.g.
    /// <c>v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}</c>
    /// (map keys sorted as Go's fmt sorts them); <c>null</c> for no selector.
    /// </summary>
    public static string LabelSelector(JsonNode? selector)
    {
        if (selector is not JsonObject s)
        {
            return "null";
        }

        var expressions = s["matchExpressions"] is JsonArray list
            ? "[]v1.LabelSelectorRequirement{" + string.Join(", ", list.OfType<JsonObject>().Select(Requirement)) + "}"
            : "[]v1.LabelSelectorRequirement(nil)";
        return $"v1.LabelSelector{{MatchLabels:{StringMap(s["matchLabels"])}, MatchExpressions:{expressions}}}";
    }

    /// <summary>
    /// An approximation of <c>%#v</c> for a struct Go would print in full: the JSON fields present, in their order (<c>metadata</c> first, as Go's embedded ObjectMeta), with
    /// Go's capitalised names (<c>metadata</c> as <c>ObjectMeta</c>); string maps (labels, annotations, selectors) as <c>map[string]string{...}</c>, lists as
    /// <c>[]{...}</c>. Nested type names and the zero-valued fields Go would also print are left out.
    /// </summary>
    public static string Struct(string typeName, JsonObject value) => typeName + Fields(value);

    private static string Requirement(JsonObject r) =>
        $"v1.LabelSelectorRequirement{{Key:{Quote(r.Text("key") ?? string.Empty)}, Operator:{Quote(r.Text("operator") ?? string.Empty)}, " +
        $"Values:{StringSlice((r["values"] as JsonArray)?.Select(v => Scalar(v)))}}}";

    private static string StringMap(JsonNode? map) => map is JsonObject m
        ? "map[string]string{" + string.Join(", ", m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Quote(p.Key)}:{Quote(Scalar(p.Value))}")) + "}"
        : "map[string]string(nil)";

    private static readonly HashSet<string> StringMaps = new(StringComparer.Ordinal) { "labels", "annotations", "matchLabels", "nodeSelector", "selector" };

    private static string Fields(JsonObject value) =>
        "{" + string.Join(", ", value.OrderBy(p => p.Key == "metadata" ? 0 : 1).Select(p => $"{Capitalise(p.Key)}:{Value(p.Key, p.Value)}")) + "}";

    private static string Value(string key, JsonNode? node) => node switch
    {
        JsonObject map when StringMaps.Contains(key) && map.All(p => p.Value is JsonValue) => StringMap(map),
        JsonObject obj => Fields(obj),
        JsonArray list => "[]{" + string.Join(", ", list.Select(i => Value(string.Empty, i))) + "}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        null => "nil",
        _ => node.ToJsonString(),
    };

    private static string Scalar(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? string.Empty;

    private static string Capitalise(string name) =>
        name == "metadata" ? "ObjectMeta" : name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
