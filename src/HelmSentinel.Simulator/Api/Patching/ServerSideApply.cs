using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>
/// A simplified server-side apply (<c>application/apply-patch+yaml</c>) with field ownership per object uid.
/// Apply managers own the fields of their last applied configuration; managers of ordinary writes
/// (create, update, patch, scale: "Update" operations) own the leaf fields whose values they changed, and
/// such a write takes those fields away from every other manager. Applying merges the configuration into the
/// live object (lists by their merge keys) and removes what the same manager applied before and no longer
/// applies. Setting a field to a value other than the one another manager owns is a 409 conflict unless
/// <c>force=true</c>, which takes the field over. Managers with the same name never conflict.
/// </summary>
internal sealed class ServerSideApply
{
    private static readonly string[] Untracked = [".status", ".metadata.resourceVersion", ".metadata.generation", ".metadata.uid", ".metadata.creationTimestamp", ".metadata.managedFields"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Ownership> _owners = new(StringComparer.Ordinal);

    /// <summary>Remembers <paramref name="applied"/> as the manager's configuration of a newly created object.</summary>
    public void Record(string uid, string manager, JsonObject applied)
    {
        lock (_gate)
        {
            OwnershipOf(uid).Applied[manager] = applied.Clone();
        }
    }

    /// <summary>Stores the configuration after a successful merge (the object keeps its uid).</summary>
    public void Commit(string uid, string manager, JsonObject applied) => Record(uid, manager, applied);

    /// <summary>
    /// Records an ordinary write by <paramref name="manager"/>: the leaf fields it changed (all of them on create)
    /// become its own and are taken from every other manager.
    /// </summary>
    public void RecordUpdate(string uid, string manager, string? subresource, JsonObject? before, JsonObject after)
    {
        var old = before is null ? [] : Leaves(before);
        var changed = Leaves(after)
            .Where(l => !Untracked.Any(u => l.Key == u || l.Key.StartsWith(u + ".", StringComparison.Ordinal) || l.Key.StartsWith(u + "[", StringComparison.Ordinal)))
            .Where(l => !old.TryGetValue(l.Key, out var previous) || !JsonNode.DeepEquals(previous, l.Value))
            .Select(l => l.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var ownership = OwnershipOf(uid);
            TakeOver(ownership, manager, changed);
            if (!ownership.Updated.TryGetValue(manager, out var owned))
            {
                owned = (new HashSet<string>(StringComparer.Ordinal), subresource);
            }

            owned.Paths.UnionWith(changed);
            ownership.Updated[manager] = (owned.Paths, subresource ?? owned.Subresource);
        }
    }

    /// <summary>Forgets the ownership of a deleted object.</summary>
    public void Forget(string uid)
    {
        lock (_gate)
        {
            _owners.Remove(uid);
        }
    }

    /// <summary>The live object after <paramref name="manager"/> applies <paramref name="applied"/>; throws 409 on conflicts.</summary>
    public JsonObject Merge(ResourceType type, JsonObject live, JsonObject applied, string manager, bool force)
    {
        var uid = live.Text("metadata.uid") ?? string.Empty;
        lock (_gate)
        {
            var ownership = OwnershipOf(uid);
            var mine = Leaves(applied);
            var current = Leaves(live);
            var conflicts = new List<Conflict>();
            foreach (var (other, config) in ownership.Applied.Where(m => m.Key != manager))
            {
                foreach (var (path, value) in Leaves(config))
                {
                    if (mine.TryGetValue(path, out var wanted) && !JsonNode.DeepEquals(wanted, value))
                    {
                        conflicts.Add(new Conflict(other, null, path));
                    }
                }
            }

            foreach (var (other, owned) in ownership.Updated.Where(m => m.Key != manager))
            {
                foreach (var path in owned.Paths)
                {
                    if (mine.TryGetValue(path, out var wanted) && !JsonNode.DeepEquals(wanted, current.GetValueOrDefault(path)))
                    {
                        conflicts.Add(new Conflict(other, owned.Subresource, path));
                    }
                }
            }

            if (conflicts.Count > 0 && !force)
            {
                throw ConflictError(type, live.Text("metadata.name") ?? string.Empty, conflicts);
            }

            var result = live.Clone();
            if (ownership.Applied.TryGetValue(manager, out var previous))
            {
                RemoveDropped(result, previous, applied, ownership.Applied.Where(m => m.Key != manager).Select(m => m.Value).ToList());
            }

            TakeOver(ownership, manager, conflicts.Select(c => c.Path).ToHashSet(StringComparer.Ordinal));
            return StrategicMergePatch.Apply(result, applied);
        }
    }

    private Ownership OwnershipOf(string uid)
    {
        if (!_owners.TryGetValue(uid, out var ownership))
        {
            ownership = new Ownership();
            _owners[uid] = ownership;
        }

        return ownership;
    }

    private static void TakeOver(Ownership ownership, string manager, HashSet<string> paths)
    {
        if (paths.Count == 0)
        {
            return;
        }

        foreach (var other in ownership.Applied.Keys.Where(k => k != manager).ToList())
        {
            ownership.Applied[other] = Without(ownership.Applied[other], paths);
        }

        foreach (var (other, owned) in ownership.Updated.Where(m => m.Key != manager))
        {
            owned.Paths.ExceptWith(paths);
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

    private sealed class Ownership
    {
        public Dictionary<string, JsonObject> Applied { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (HashSet<string> Paths, string? Subresource)> Updated { get; } = new(StringComparer.Ordinal);
    }
}
