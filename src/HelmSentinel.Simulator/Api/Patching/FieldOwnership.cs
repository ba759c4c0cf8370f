using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>
/// A simplified server-side apply model of one object's field ownership, and the <c>metadata.managedFields</c> derived
/// from it. Entries are keyed as the apiserver keys them, by manager, operation and subresource. An apply manager
/// (<c>Apply</c>) owns the leaf fields of its last applied configuration; the manager of an ordinary write (create, update,
/// patch, scale, status: <c>Update</c>) owns the leaf fields whose values it changed, and such a write takes those fields
/// from every other entry. Applying merges the configuration into the live object (lists by their merge keys) and removes
/// what the same manager applied before and no longer applies. Setting a field to a value other than the one another
/// manager owns is a 409 conflict unless <c>force=true</c>, which takes the field over. Managers with the same name never
/// conflict. Not thread-safe: a write changes its own copy (<see cref="ServerSideApply.Fork"/>).
/// </summary>
internal sealed class FieldOwnership
{
    private static readonly string[] Untracked = [".metadata.resourceVersion", ".metadata.generation", ".metadata.uid", ".metadata.creationTimestamp", ".metadata.managedFields"];

    /// <summary>Map-typed fields: their node in <c>fieldsV1</c> carries <c>.</c> (the map itself), as structs' nodes do not.</summary>
    private static readonly HashSet<string> MapFields = new(StringComparer.Ordinal)
    {
        "labels", "annotations", "matchLabels", "nodeSelector", "data", "stringData", "binaryData", "limits", "requests",
    };

    private readonly List<Entry> _entries = [];

    /// <summary>A deep copy.</summary>
    public FieldOwnership Clone()
    {
        var copy = new FieldOwnership();
        copy._entries.AddRange(_entries.Select(e => e with { Applied = e.Applied?.Clone(), Paths = new HashSet<string>(e.Paths, StringComparer.Ordinal) }));
        return copy;
    }

    /// <summary>Records <paramref name="applied"/> as <paramref name="manager"/>'s applied configuration (after a merge or an apply-create).</summary>
    public void RecordApply(string manager, string apiVersion, JsonObject applied, DateTimeOffset now)
    {
        var index = _entries.FindIndex(e => e.Is(manager, "Apply", null));
        if (index < 0)
        {
            _entries.Add(new Entry(manager, "Apply", null, apiVersion, now, applied.Clone(), new HashSet<string>(StringComparer.Ordinal)));
            return;
        }

        var entry = _entries[index];
        if (!JsonNode.DeepEquals(entry.Applied, applied))
        {
            // The time moves only when the manager's configuration does, so a repeated apply stays a no-op write.
            _entries[index] = entry with { Applied = applied.Clone(), Time = now, ApiVersion = apiVersion };
        }
    }

    /// <summary>
    /// Records an ordinary write by <paramref name="manager"/> (<paramref name="subresource"/> <c>scale</c>, <c>status</c> or
    /// null): the leaf fields it changed (all of them on create) become its own and are taken from every other entry. A
    /// status write tracks only <c>.status</c>, any other write everything but <c>.status</c> and the server's metadata.
    /// </summary>
    public void RecordUpdate(string manager, string? subresource, string apiVersion, JsonObject? before, JsonObject after, DateTimeOffset now)
    {
        var old = before is null ? [] : Leaves(before);
        var changed = Leaves(after)
            .Where(l => Tracked(l.Key, subresource))
            .Where(l => !old.TryGetValue(l.Key, out var previous) || !JsonNode.DeepEquals(previous, l.Value))
            .Select(l => l.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0)
        {
            return;
        }

        var index = _entries.FindIndex(e => e.Is(manager, "Update", subresource));
        if (index < 0)
        {
            _entries.Add(new Entry(manager, "Update", subresource, apiVersion, now, null, new HashSet<string>(StringComparer.Ordinal)));
            index = _entries.Count - 1;
        }

        TakeOver(_entries[index], changed);
        _entries[index].Paths.UnionWith(changed);
        _entries[index] = _entries[index] with { Time = now, ApiVersion = apiVersion };
    }

    /// <summary>The live object after <paramref name="manager"/> applies <paramref name="applied"/>; throws 409 on conflicts.</summary>
    public JsonObject Merge(ResourceType type, JsonObject live, JsonObject applied, string manager, bool force)
    {
        var mine = Leaves(applied);
        var current = Leaves(live);
        var conflicts = new List<Conflict>();
        foreach (var other in _entries.Where(e => e.Manager != manager))
        {
            // An apply manager holds the values it applied, an update manager the live ones it wrote.
            var owned = other.Applied is null ? other.Paths.ToDictionary(p => p, current.GetValueOrDefault, StringComparer.Ordinal) : Leaves(other.Applied);
            foreach (var (path, value) in owned)
            {
                if (mine.TryGetValue(path, out var wanted) && !JsonNode.DeepEquals(wanted, value))
                {
                    conflicts.Add(new Conflict(other.Manager, other.Subresource, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(type, live.Text("metadata.name") ?? string.Empty, conflicts);
        }

        var result = live.Clone();
        var self = _entries.Find(e => e.Is(manager, "Apply", null));
        if (self?.Applied is { } previous)
        {
            RemoveDropped(result, previous, applied, _entries.Where(e => e.Manager != manager && e.Applied is not null).Select(e => e.Applied!).ToList());
        }

        TakeOver(self, conflicts.Select(c => c.Path).ToHashSet(StringComparer.Ordinal));
        return StrategicMergePatch.Apply(result, applied);
    }

    /// <summary>
    /// <c>metadata.managedFields</c>: one entry per manager, operation and subresource that still owns a field, in the order
    /// they first wrote, each <c>{manager, operation, apiVersion, time, fieldsType: FieldsV1, fieldsV1[, subresource]}</c>.
    /// </summary>
    public JsonArray ManagedFields()
    {
        var result = new JsonArray();
        foreach (var entry in _entries)
        {
            var owned = entry.Owned().ToList();
            if (owned.Count == 0)
            {
                continue;
            }

            var json = new JsonObject
            {
                ["manager"] = entry.Manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = entry.ApiVersion,
                ["time"] = entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldsV1(owned),
            };
            if (entry.Subresource is not null)
            {
                json["subresource"] = entry.Subresource;
            }

            result.Add(json);
        }

        return result;
    }

    /// <summary>
    /// The <c>FieldsV1</c> trie of leaf paths: <c>f:name</c> per field, <c>k:{"name":"web"}</c> per merge-keyed list item
    /// (with <c>.</c> and the key field itself, as the real format has them), <c>.</c> on map-typed fields; leaves are <c>{}</c>.
    /// </summary>
    internal static JsonObject FieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            var segments = Segments(path);
            for (var i = 0; i < segments.Count; i++)
            {
                var (field, key, value) = segments[i];
                var last = i == segments.Count - 1 && key is null;
                node = Child(node, "f:" + field, dot: !last && MapFields.Contains(field));
                if (key is not null)
                {
                    node = Child(node, $"k:{{\"{key}\":{value}}}", dot: true);
                    Child(node, "f:" + key, dot: false);
                }
            }
        }

        return root;
    }

    private static JsonObject Child(JsonObject parent, string name, bool dot)
    {
        if (parent[name] is not JsonObject child)
        {
            child = dot ? new JsonObject { ["."] = new JsonObject() } : [];
            parent[name] = child;
        }

        return child;
    }

    private static bool Tracked(string path, string? subresource)
    {
        static bool Under(string path, string prefix) =>
            path == prefix || path.StartsWith(prefix + ".", StringComparison.Ordinal) || path.StartsWith(prefix + "[", StringComparison.Ordinal);
        return subresource == "status" ? Under(path, ".status") : !Under(path, ".status") && !Untracked.Any(u => Under(path, u));
    }

    private void TakeOver(Entry? taker, HashSet<string> paths)
    {
        if (paths.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            var other = _entries[i];
            if (ReferenceEquals(other, taker))
            {
                continue;
            }

            if (other.Applied is not null)
            {
                _entries[i] = other with { Applied = Without(other.Applied, paths) };
            }
            else
            {
                other.Paths.ExceptWith(paths);
            }
        }
    }

    private static ApiException ConflictError(ResourceType type, string name, List<Conflict> conflicts)
    {
        string With(Conflict c) => c.Subresource is null
            ? $"conflict with \"{c.Manager}\" using {type.ApiVersion}"
            : $"conflict with \"{c.Manager}\" with subresource \"{c.Subresource}\" using {type.ApiVersion}";
        var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = With(c),
            ["field"] = c.Path,
        }).ToArray());
        var message = conflicts.Count == 1
            ? $"Apply failed with 1 conflict: {With(conflicts[0])}: {conflicts[0].Path}"
            : $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", conflicts.Select(c => $"{With(c)}: {c.Path}"));
        return new ApiException(409, "Conflict", message)
        {
            Details = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Resource, ["causes"] = causes },
        };
    }

    /// <summary>Leaf fields in the managed-fields path notation, e.g. <c>.spec.template.spec.containers[name="web"].image</c>.</summary>
    internal static Dictionary<string, JsonNode?> Leaves(JsonObject config)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(config, string.Empty, leaves);
        leaves.Remove(".apiVersion");
        leaves.Remove(".kind");
        leaves.Remove(".metadata.name");
        leaves.Remove(".metadata.namespace");
        return leaves;
    }

    private static void Walk(JsonObject node, string prefix, Dictionary<string, JsonNode?> leaves)
    {
        foreach (var (key, value) in node)
        {
            var path = $"{prefix}.{key}";
            switch (value)
            {
                case JsonObject child when child.Count > 0:
                    Walk(child, path, leaves);
                    break;
                case JsonArray list when MergeKeys.For(key, list) is { } mergeKey && list.All(i => i is JsonObject):
                    foreach (var item in list.OfType<JsonObject>())
                    {
                        Walk(item, $"{path}[{mergeKey}={item[mergeKey]?.ToJsonString()}]", leaves);
                    }

                    break;
                default:
                    leaves[path] = value;
                    break;
            }
        }
    }

    private static JsonObject Without(JsonObject config, HashSet<string> paths)
    {
        var copy = config.Clone();
        var kept = Leaves(copy);
        foreach (var path in paths)
        {
            kept.Remove(path);
        }

        Prune(copy, string.Empty, kept.Keys.ToHashSet(StringComparer.Ordinal));
        return copy;
    }

    private static bool Prune(JsonObject node, string prefix, HashSet<string> keep)
    {
        foreach (var (key, value) in node.ToList())
        {
            var path = $"{prefix}.{key}";
            var retained = value switch
            {
                JsonObject child when child.Count > 0 => Prune(child, path, keep),
                JsonArray list when MergeKeys.For(key, list) is { } mergeKey && list.All(i => i is JsonObject) =>
                    PruneList(list, path, mergeKey, keep),
                _ => keep.Contains(path) || path is ".apiVersion" or ".kind" or ".metadata.name" or ".metadata.namespace",
            };
            if (!retained)
            {
                node.Remove(key);
            }
        }

        return node.Count > 0;
    }

    private static bool PruneList(JsonArray list, string path, string mergeKey, HashSet<string> keep)
    {
        foreach (var item in list.OfType<JsonObject>().ToList())
        {
            if (!Prune(item, $"{path}[{mergeKey}={item[mergeKey]?.ToJsonString()}]", keep))
            {
                list.Remove(item);
            }
        }

        return list.Count > 0;
    }

    private static void RemoveDropped(JsonObject live, JsonObject previous, JsonObject applied, List<JsonObject> others)
    {
        var stillWanted = Leaves(applied).Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var other in others)
        {
            stillWanted.UnionWith(Leaves(other).Keys);
        }

        foreach (var dropped in Leaves(previous).Keys.Where(p => !stillWanted.Contains(p)))
        {
            RemovePath(live, dropped);
        }
    }

    private static void RemovePath(JsonObject live, string path)
    {
        var segments = Segments(path);
        JsonNode? node = live;
        for (var i = 0; i < segments.Count; i++)
        {
            var (field, selectorKey, selectorValue) = segments[i];
            if (node is not JsonObject obj || !obj.ContainsKey(field))
            {
                return;
            }

            var last = i == segments.Count - 1;
            if (selectorKey is null)
            {
                if (last)
                {
                    obj.Remove(field);
                    return;
                }

                node = obj[field];
                continue;
            }

            var item = (obj[field] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(o => o[selectorKey]?.ToJsonString() == selectorValue);
            if (item is null)
            {
                return;
            }

            if (i + 1 == segments.Count - 1 && segments[i + 1].Field == selectorKey)
            {
                ((JsonArray)obj[field]!).Remove(item);
                return;
            }

            node = item;
        }
    }

    private static List<(string Field, string? SelectorKey, string? SelectorValue)> Segments(string path)
    {
        var segments = new List<(string, string?, string?)>();
        var i = 1;
        while (i < path.Length)
        {
            var start = i;
            while (i < path.Length && path[i] != '.' && path[i] != '[')
            {
                i++;
            }

            var field = path[start..i];
            if (i < path.Length && path[i] == '[')
            {
                var close = path.IndexOf("].", i, StringComparison.Ordinal);
                close = close < 0 ? path.Length - 1 : close;
                var selector = path[(i + 1)..close];
                var eq = selector.IndexOf('=', StringComparison.Ordinal);
                segments.Add((field, selector[..eq], selector[(eq + 1)..]));
                i = close + 1;
            }
            else
            {
                segments.Add((field, null, null));
            }

            i++;
        }

        return segments;
    }

    private sealed record Conflict(string Manager, string? Subresource, string Path);

    /// <summary>One managedFields entry: an apply manager's configuration, or the leaf paths an update manager owns.</summary>
    private sealed record Entry(string Manager, string Operation, string? Subresource, string ApiVersion, DateTimeOffset Time, JsonObject? Applied, HashSet<string> Paths)
    {
        public bool Is(string manager, string operation, string? subresource) =>
            Manager == manager && Operation == operation && Subresource == subresource;

        public IEnumerable<string> Owned() => Applied is null ? Paths : Leaves(Applied).Keys;
    }
}
