using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>JSON merge patch (RFC 7386, <c>application/merge-patch+json</c>).</summary>
internal static class JsonMergePatch
{
    /// <summary>The patched copy of <paramref name="target"/>.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
