using System.Text.Json.Nodes;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace HelmSentinel.Plan;

/// <summary>The semantic difference of two JSON trees: the changed leaves with their paths, lists matched by their merge
/// keys (so a container added in front does not show every container as changed). Pure.</summary>
internal static class FieldDiff
{
    private const int LongString = 120;
    private const int MaxLines = 60;

    /// <summary>Every field that differs, in the order of the new tree (fields only in the old one after).</summary>
    public static List<FieldChange> Compare(JsonNode? before, JsonNode? after, string path = "")
    {
        var changes = new List<FieldChange>();
        Walk(before, after, path, changes);
        return changes;
    }

    /// <summary>
    /// The fields a manifest sets whose value in <paramref name="live"/> differs: what a <c>kubectl edit</c> or <c>scale</c>
    /// changed, or what an immutable field's new value would change. Fields the manifest leaves out (defaults, status) and
    /// nulls in it are not compared; an empty map or list is the same as a missing one.
    /// </summary>
    public static List<FieldChange> Subset(JsonNode? manifest, JsonNode? live, string path = "")
    {
        var changes = new List<FieldChange>();
        WalkSubset(manifest, live, path, changes);
        return changes;
    }

    private static void Walk(JsonNode? before, JsonNode? after, string path, List<FieldChange> changes)
    {
        switch (before, after)
        {
            case (JsonObject a, JsonObject b):
                foreach (var (name, value) in b)
                {
                    Walk(a.TryGetPropertyValue(name, out var old) ? old : null, value, JsonTree.Child(path, name), changes);
                }

                foreach (var (name, value) in a.Where(p => !b.ContainsKey(p.Key)))
                {
                    Walk(value, null, JsonTree.Child(path, name), changes);
                }

                return;
            case (JsonArray a, JsonArray b):
                if (JsonTree.MatchKey(a, b) is { } key)
                {
                    var old = JsonTree.ByKey(a, key);
                    var neu = JsonTree.ByKey(b, key);
                    foreach (var (id, item) in neu)
                    {
                        Walk(old.GetValueOrDefault(id), item, JsonTree.Item(path, key, id), changes);
                    }

                    foreach (var (id, item) in old.Where(p => !neu.ContainsKey(p.Key)))
                    {
                        Walk(item, null, JsonTree.Item(path, key, id), changes);
                    }
                }
                else if (a.Count == b.Count)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], b[i], JsonTree.Item(path, null, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), changes);
                    }
                }
                else if (!JsonTree.Same(a, b))
                {
                    changes.Add(Leaf(path, a, b));
                }

                return;
            default:
                if ((before is null || JsonTree.IsEmpty(before)) && (after is null || JsonTree.IsEmpty(after)))
                {
                    return;
                }

                if (!JsonTree.Same(before, after))
                {
                    changes.Add(Leaf(path, before, after));
                }

                return;
        }
    }

    private static void WalkSubset(JsonNode? manifest, JsonNode? live, string path, List<FieldChange> changes)
    {
        // A field the manifest sets to its zero value is one the API server leaves out (omitempty): no difference.
        if (live is null && JsonTree.IsUnset(manifest))
        {
            return;
        }

        switch (manifest)
        {
            case null:
                return;
            case JsonObject map:
                if (live is not JsonObject other)
                {
                    if (map.Count > 0)
                    {
                        changes.Add(new FieldChange(path, JsonTree.Text(manifest), JsonTree.Text(live)));
                    }

                    return;
                }

                foreach (var (name, value) in map)
                {
                    WalkSubset(value, other.TryGetPropertyValue(name, out var found) ? found : null, JsonTree.Child(path, name), changes);
                }

                return;
            case JsonArray { Count: 0 }:
                return; // an empty list in a manifest sets nothing the live object must match
            case JsonArray list:
                if (live is not JsonArray items)
                {
                    if (list.Count > 0)
                    {
                        changes.Add(new FieldChange(path, JsonTree.Text(manifest), JsonTree.Text(live)));
                    }

                    return;
                }

                if (JsonTree.MatchKey(list, items) is { } key)
                {
                    var byId = JsonTree.ByKey(items, key);
                    foreach (var (id, item) in JsonTree.ByKey(list, key))
                    {
                        WalkSubset(item, byId.GetValueOrDefault(id), JsonTree.Item(path, key, id), changes);
                    }

                    if (byId.Count != list.Count)
                    {
                        changes.Add(new FieldChange(path, $"{list.Count} items", $"{byId.Count} items"));
                    }
                }
                else if (list.Count != items.Count)
                {
                    changes.Add(new FieldChange(path, JsonTree.Text(manifest), JsonTree.Text(live)));
                }
                else
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        WalkSubset(list[i], items[i], JsonTree.Item(path, null, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), changes);
                    }
                }

                return;
            default:
                if (!JsonTree.Same(manifest, live))
                {
                    changes.Add(new FieldChange(path, JsonTree.Text(manifest), JsonTree.Text(live)));
                }

                return;
        }
    }

    private static FieldChange Leaf(string path, JsonNode? before, JsonNode? after)
    {
        var (old, neu) = (JsonTree.Text(before), JsonTree.Text(after));
        var lines = old is not null && neu is not null && before is JsonValue && after is JsonValue && (IsLong(old) || IsLong(neu)) ? LineDiff(old, neu) : null;
        return new FieldChange(path, old, neu, lines);
    }

    private static bool IsLong(string text) => text.Length > LongString || text.Contains('\n', StringComparison.Ordinal);

    /// <summary>A line diff with two lines of context around each change; a gap is one <c>  …</c> line.</summary>
    internal static IReadOnlyList<string> LineDiff(string before, string after)
    {
        if (before.EndsWith('\n') && after.EndsWith('\n'))
        {
            (before, after) = (before[..^1], after[..^1]); // a block scalar's final line break is no line of its own
        }

        var model = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false);
        var lines = model.Lines;
        var keep = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type is ChangeType.Inserted or ChangeType.Deleted)
            {
                for (var j = Math.Max(0, i - 2); j <= Math.Min(lines.Count - 1, i + 2); j++)
                {
                    keep[j] = true;
                }
            }
        }

        var result = new List<string>();
        var gap = false;
        for (var i = 0; i < lines.Count && result.Count < MaxLines; i++)
        {
            if (!keep[i])
            {
                gap = true;
                continue;
            }

            if (gap && result.Count > 0)
            {
                result.Add("  …");
            }

            gap = false;
            var prefix = lines[i].Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            result.Add(prefix + lines[i].Text);
        }

        if (result.Count >= MaxLines)
        {
            result.Add("  … (cut)");
        }

        return result;
    }
}
