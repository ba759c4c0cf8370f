using System.Text.Json.Nodes;

namespace HelmSentinel.Plan;

/// <summary>Who owns a field of a live object, read from its <c>metadata.managedFields</c> (FieldsV1). Pure.</summary>
internal static class ManagedFields
{
    /// <summary>The manager (with its operation and time) whose field set holds <paramref name="path"/>, or the deepest part
    /// of it (an atomic map or list is owned whole); null when the object carries no managedFields or nobody owns it.</summary>
    /// <param name="live">The live object.</param>
    /// <param name="path">A path as <see cref="FieldDiff"/> writes it: <c>spec.replicas</c>, <c>data["a.b"]</c>, <c>spec.template.spec.containers[name=web].image</c>.</param>
    public static string? OwnerOf(JsonObject live, string path)
    {
        if (live["metadata"]?["managedFields"] is not JsonArray entries)
        {
            return null;
        }

        var segments = Segments(path);
        (string Who, int Depth)? best = null;
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var depth = Depth(entry["fieldsV1"] as JsonObject, segments);
            if (depth > 0 && (best is null || depth > best.Value.Depth))
            {
                var operation = JsonTree.Text(entry["operation"]);
                var subresource = JsonTree.Text(entry["subresource"]);
                var time = JsonTree.Text(entry["time"]);
                var who = JsonTree.Text(entry["manager"]) ?? "?";
                var details = string.Join(", ", new[] { operation, subresource is null ? null : "subresource " + subresource, time }.OfType<string>());
                best = (details.Length > 0 ? $"{who}: {details}" : who, depth);
            }
        }

        return best?.Who;
    }

    // How many segments of the path a field set holds; 0 when it holds none, the full count when it holds the field.
    private static int Depth(JsonObject? fields, IReadOnlyList<Segment> segments)
    {
        var node = fields;
        var depth = 0;
        foreach (var segment in segments)
        {
            if (node is null)
            {
                break;
            }

            JsonObject? next = null;
            if (segment.Key is { } key)
            {
                next = node["f:" + key] as JsonObject;
            }
            else if (segment.MatchKey is { } match)
            {
                foreach (var (name, value) in node)
                {
                    if (name.StartsWith("k:", StringComparison.Ordinal) && TryParse(name[2..]) is JsonObject id && JsonTree.Text(id[match]) == segment.MatchValue)
                    {
                        next = value as JsonObject;
                        break;
                    }
                }
            }

            if (next is null)
            {
                // An owned leaf with nothing under it is an atomic value: its owner owns what lies below.
                // ("." only says the item itself is owned, not its fields.)
                return node.Count == 0 && depth > 0 ? depth : 0;
            }

            node = next;
            depth++;
        }

        return depth;
    }

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record Segment(string? Key, string? MatchKey, string? MatchValue);

    private static List<Segment> Segments(string path)
    {
        var segments = new List<Segment>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var end = path[i + 1] == '"' ? path.IndexOf("\"]", i + 2, StringComparison.Ordinal) + 1 : path.IndexOf(']', i);
                var inner = path[(i + 1)..end];
                if (inner.StartsWith('"'))
                {
                    segments.Add(new Segment(inner[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal), null, null));
                }
                else if (inner.Contains('=', StringComparison.Ordinal))
                {
                    var eq = inner.IndexOf('=', StringComparison.Ordinal);
                    segments.Add(new Segment(null, inner[..eq], inner[(eq + 1)..]));
                }
                else
                {
                    segments.Add(new Segment(null, null, inner)); // a position: field sets do not key by it
                }

                i = end + 1;
                continue;
            }

            var stop = path.IndexOfAny(['.', '['], i);
            stop = stop < 0 ? path.Length : stop;
            segments.Add(new Segment(path[i..stop], null, null));
            i = stop;
        }

        return segments;
    }
}
