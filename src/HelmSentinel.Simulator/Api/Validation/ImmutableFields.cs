using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Validation;

/// <summary>
/// The update validation of the apiserver's registry strategies for the fields that may not change: it compares the live
/// object with its replacement after both have their defaults, as <c>ValidateUpdate</c> sees them, and refuses the write
/// with the 422 <c>Invalid</c> Status a v1.32 apiserver answers. Equality is Go's semantic one: a missing field, null, an
/// empty list and an empty map are the same.
/// </summary>
internal static class ImmutableFields
{
    /// <summary>The StatefulSet spec fields an update may change (<c>ValidateStatefulSetUpdate</c>).</summary>
    private static readonly string[] StatefulSetMutable =
        ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    /// <summary>The message of a StatefulSet change outside <see cref="StatefulSetMutable"/>.</summary>
    public const string StatefulSetForbidden =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', " +
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    /// <summary>The message of a PersistentVolumeClaim spec change (the VolumeAttributesClass gate is off in v1.32).</summary>
    public const string ClaimForbidden = "spec is immutable after creation except resources.requests for bound claims";

    /// <summary>Throws the 422 of the first failing rules of <paramref name="type"/>; does nothing when the update is allowed.</summary>
    public static void Check(ResourceType type, JsonObject live, JsonObject updated)
    {
        var errors = Errors(type, live, updated);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, updated.Text("metadata.name") ?? string.Empty, errors);
        }
    }

    /// <summary>The immutable-field errors of an update, in the order the apiserver reports them.</summary>
    public static List<FieldError> Errors(ResourceType type, JsonObject live, JsonObject updated)
    {
        var errors = new List<FieldError>();
        var before = live["spec"] as JsonObject;
        var after = updated["spec"] as JsonObject;
        if (type == ResourceTypes.Deployments || type == ResourceTypes.ReplicaSets || type == ResourceTypes.DaemonSets)
        {
            Selector(before, after, errors);
        }
        else if (type == ResourceTypes.StatefulSets)
        {
            if (!Same(Without(before, StatefulSetMutable), Without(after, StatefulSetMutable)))
            {
                errors.Add(FieldError.Forbidden("spec", StatefulSetForbidden));
            }
        }
        else if (type == ResourceTypes.Jobs)
        {
            Selector(before, after, errors);
            if (!Same(before?["template"], after?["template"]))
            {
                errors.Add(FieldError.Invalid("spec.template", GoSyntax.Struct("core.PodTemplateSpec", after?["template"] as JsonObject ?? []), FieldError.Immutable));
            }
        }
        else if (type == ResourceTypes.Services)
        {
            ClusterIps(live, updated, errors);
        }
        else if (type == ResourceTypes.PersistentVolumeClaims)
        {
            Claim(live, updated, errors);
        }

        return errors;
    }

    private static void Selector(JsonObject? before, JsonObject? after, List<FieldError> errors)
    {
        if (!Same(before?["selector"], after?["selector"]))
        {
            errors.Add(FieldError.Invalid("spec.selector", GoSyntax.LabelSelector(after?["selector"]), FieldError.Immutable));
        }
    }

    /// <summary>
    /// <c>spec.clusterIP</c>/<c>clusterIPs</c> once allocated (not for ExternalName). A changed clusterIP with clusterIPs left
    /// as they were counts as new clusterIPs, as the service REST's <c>normalizeClusterIPs</c> does before validating.
    /// </summary>
    private static void ClusterIps(JsonObject live, JsonObject updated, List<FieldError> errors)
    {
        var oldIps = Ips(live);
        if (live.Text("spec.type") == "ExternalName" || updated.Text("spec.type") == "ExternalName" || oldIps is not [var oldPrimary, ..] || oldPrimary.Length == 0)
        {
            return;
        }

        var newIps = Ips(updated);
        var clusterIp = updated.Text("spec.clusterIP");
        if (clusterIp != oldPrimary && newIps is not null && newIps.SequenceEqual(oldIps))
        {
            newIps = string.IsNullOrEmpty(clusterIp) ? null : [clusterIp];
        }

        if (newIps is not [var primary, ..] || primary.Length == 0)
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs[0]", GoSyntax.StringSlice(null), "primary clusterIP can not be unset"));
        }
        else if (primary != oldPrimary)
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs[0]", GoSyntax.StringSlice(newIps), "may not change once set"));
        }
    }

    private static List<string>? Ips(JsonObject service) =>
        service.At("spec.clusterIPs") is JsonArray ips ? ips.Select(i => i?.ToString() ?? string.Empty).ToList()
        : service.Text("spec.clusterIP") is { } ip ? [ip] : null;

    /// <summary>
    /// A claim's spec is fixed but for <c>resources.requests</c> of a bound claim (which may not shrink) and a
    /// <c>volumeName</c> set for the first time (<c>ValidatePersistentVolumeClaimUpdate</c>, without the diff it appends).
    /// </summary>
    private static void Claim(JsonObject live, JsonObject updated, List<FieldError> errors)
    {
        var before = (live["spec"] as JsonObject)?.Clone() ?? [];
        var after = (updated["spec"] as JsonObject)?.Clone() ?? [];
        if (before.Text("volumeName") is not { Length: > 0 })
        {
            before.Remove("volumeName");
            after.Remove("volumeName");
        }

        var bound = live.Text("status.phase") == "Bound";
        if (bound)
        {
            var oldStorage = before.Text("resources.requests.storage");
            var newStorage = after.Text("resources.requests.storage");
            if (oldStorage is not null && newStorage is not null && Quantity.Parse(newStorage) < Quantity.Parse(oldStorage))
            {
                errors.Add(FieldError.Forbidden("spec.resources.requests.storage", "field can not be less than previous value"));
            }

            before.Obj("resources").Remove("requests");
            after.Obj("resources").Remove("requests");
        }

        if (!Same(before, after))
        {
            errors.Add(FieldError.Forbidden("spec", ClaimForbidden));
        }
    }

    private static JsonObject? Without(JsonObject? spec, string[] fields)
    {
        if (spec is null)
        {
            return null;
        }

        var copy = spec.Clone();
        foreach (var field in fields)
        {
            copy.Remove(field);
        }

        return copy;
    }

    /// <summary>Go's semantic equality on JSON: missing, null, [] and {} are equal.</summary>
    internal static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(Normalise(a), Normalise(b));

    private static JsonNode? Normalise(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (Normalise(value) is { } kept)
                    {
                        result[key] = kept;
                    }
                }

                return result.Count == 0 ? null : result;
            case JsonArray list:
                return list.Count == 0 ? null : new JsonArray(list.Select(i => Normalise(i) ?? new JsonObject()).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
