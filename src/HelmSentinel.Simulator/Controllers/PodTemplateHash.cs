using HelmSentinel.Simulator.Storage;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>
/// The <c>pod-template-hash</c> of a pod template: a 32-bit FNV-1a hash of its canonical JSON
/// (object keys sorted, the <c>pod-template-hash</c> label left out), written with the
/// vowel-free alphabet Kubernetes uses for generated names so that it never spells words.
/// </summary>
internal static class PodTemplateHash
{
    /// <summary>The label that carries the hash on ReplicaSets and their pods.</summary>
    public const string Label = "pod-template-hash";

    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash of <paramref name="template"/>; <paramref name="collisionCount"/> changes it when names collide.</summary>
    public static string Compute(JsonNode? template, long collisionCount = 0)
    {
        var canonical = Canonical(WithoutHashLabel(template));
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(canonical + (collisionCount == 0 ? string.Empty : "#" + collisionCount.ToString(CultureInfo.InvariantCulture))))
        {
            hash ^= b;
            hash *= 16777619;
        }

        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether two templates are equal once the <c>pod-template-hash</c> label is removed.</summary>
    public static bool EqualIgnoringHash(JsonNode? a, JsonNode? b) =>
        Canonical(WithoutHashLabel(a)) == Canonical(WithoutHashLabel(b));

    /// <summary>Maps each character onto the safe alphabet, like Kubernetes' SafeEncodeString.</summary>
    internal static string SafeEncode(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            chars[i] = SafeAlphabet[s[i] % SafeAlphabet.Length];
        }

        return new string(chars);
    }

    /// <summary>JSON text with object keys sorted at every level; nulls and empty objects or lists dropped.</summary>
    internal static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    private static JsonNode? WithoutHashLabel(JsonNode? template)
    {
        if (template is not JsonObject t)
        {
            return template;
        }

        var copy = t.Clone();
        if (copy["metadata"] is JsonObject meta && meta["labels"] is JsonObject labels)
        {
            labels.Remove(Label);
            if (labels.Count == 0)
            {
                meta.Remove("labels");
            }
        }

        return copy;
    }

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o.Where(p => !IsEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    sb.Append(JsonValue.Create(k).ToJsonString()).Append(':');
                    Write(v, sb);
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(a[i], sb);
                }

                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    // Like Kubernetes' semantic equality, nil and empty maps or lists are the same: {"resources":{"requests":{}}} equals {}.
    private static bool IsEmpty(JsonNode? v) => v switch
    {
        null => true,
        JsonObject o => o.All(p => IsEmpty(p.Value)),
        JsonArray a => a.Count == 0,
        _ => false,
    };
}
