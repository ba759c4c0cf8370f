using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) over the built-in types: maps merge,
/// null deletes, lists merge by the keys in <see cref="MergeKeys"/>, and the directives
/// <c>$patch</c> (replace/delete/merge), <c>$retainKeys</c>, <c>$setElementOrder/LIST</c> and
/// <c>$deleteFromPrimitiveList/LIST</c> are honoured.
/// </summary>
internal static class StrategicMergePatch
{
    private const string SetOrder = "$setElementOrder/";
    private const string DeleteFromList = "$deleteFromPrimitiveList/";

    /// <summary>The patched copy of <paramref name="original"/>.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch) =>
        MergeMap(original.Clone(), patch) ?? new JsonObject();

    private static JsonObject? MergeMap(JsonObject target, JsonObject patch)
    {
        switch (patch["$patch"]?.GetValue<string>())
        {
            case "delete":
                return null;
            case "replace":
                var replaced = new JsonObject();
                foreach (var (key, value) in patch)
                {
                    if (key != "$patch" && value is not null)
                    {
                        replaced[key] = value.DeepClone();
                    }
                }

                return replaced;
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                if (key.StartsWith(DeleteFromList, StringComparison.Ordinal) && target[key[DeleteFromList.Length..]] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case JsonObject child:
                    var merged = MergeMap(target[key] as JsonObject ?? new JsonObject(), child);
                    if (merged is null)
                    {
                        target.Remove(key);
                    }
                    else
                    {
                        target[key] = merged;
                    }

                    break;
                case JsonArray items:
                    target[key] = MergeList(key, target[key] as JsonArray, items);
                    break;
                default:
                    target[key] = value.DeepClone();
                    break;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetOrder, StringComparison.Ordinal) && value is JsonArray order && target[key[SetOrder.Length..]] is JsonArray list)
            {
                target[key[SetOrder.Length..]] = Reorder(key[SetOrder.Length..], list, order);
            }
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        return target;
    }

    private static JsonArray MergeList(string field, JsonArray? original, JsonArray patch)
    {
        if (patch.OfType<JsonObject>().Any(i => i["$patch"]?.GetValue<string>() == "replace"))
        {
            return new JsonArray(patch.OfType<JsonObject>().Where(i => i["$patch"] is null)
                .Select(i => (JsonNode?)MergeMap(new JsonObject(), i)).ToArray());
        }

        var mergeKey = MergeKeys.For(field, original, patch);
        if (mergeKey is null || !patch.All(i => i is JsonObject))
        {
            if (MergeKeys.IsMergedScalarList(field) && original is not null)
            {
                var union = original.Select(i => i?.DeepClone()).ToList();
                union.AddRange(patch.Where(p => !union.Any(u => JsonNode.DeepEquals(u, p))).Select(p => p?.DeepClone()));
                return new JsonArray(union.ToArray());
            }

            return new JsonArray(patch.Select(i => i is JsonObject o ? MergeMap(new JsonObject(), o) : i?.DeepClone()).ToArray());
        }

        var result = original?.Select(i => i?.DeepClone()).ToList() ?? [];
        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = item[mergeKey];
            var index = result.FindIndex(r => r is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key));
            if (item["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                result[index] = MergeMap((JsonObject)result[index]!, item);
            }
            else
            {
                result.Add(MergeMap(new JsonObject(), item));
            }
        }

        return new JsonArray(result.Where(r => r is not null).ToArray());
    }

    private static JsonArray Reorder(string field, JsonArray list, JsonArray order)
    {
        var mergeKey = MergeKeys.For(field, list);
        JsonNode? KeyOf(JsonNode? node) => mergeKey is not null && node is JsonObject o ? o[mergeKey] : node;
        var items = list.Select(i => i?.DeepClone()).ToList();
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var match = items.FirstOrDefault(i => JsonNode.DeepEquals(KeyOf(i), KeyOf(wanted)));
            if (match is not null)
            {
                ordered.Add(match);
                items.Remove(match);
            }
        }

        ordered.AddRange(items);
        return new JsonArray(ordered.ToArray());
    }
}
