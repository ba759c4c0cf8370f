using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Faults;

/// <summary>
/// A request as faults see it, named the way the apiserver's RequestInfo names it.
/// </summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete, deletecollection; for a non-resource request
/// the lower-case HTTP method.</param>
/// <param name="Path">The URL path.</param>
/// <param name="Type">The resource type; null for a non-resource request (discovery, OpenAPI, health).</param>
/// <param name="Subresource">e.g. <c>log</c>, <c>status</c>, <c>scale</c>.</param>
/// <param name="Namespace">The namespace; empty for cluster-scoped and all-namespace requests.</param>
/// <param name="Name">The object's name: from the URL, or for a create from its body; null when there is none.</param>
/// <param name="LabelSelector">The <c>labelSelector</c> parameter, empty when there is none.</param>
public sealed record FaultRequest(string Verb, string Path, ResourceType? Type, string? Subresource, string Namespace, string? Name, string LabelSelector)
{
    /// <summary>The resource as a fault names it: <c>pods</c>, or <c>pods/log</c> for a subresource; empty for a non-resource request.</summary>
    public string Resource => Type is null ? string.Empty : Subresource is null ? Type.Resource : $"{Type.Resource}/{Subresource}";

    /// <summary>Whether this is a write: create, update, patch, delete or deletecollection.</summary>
    public bool IsWrite => Type is not null && Verb is "create" or "update" or "patch" or "delete" or "deletecollection";

    /// <summary>Whether the request is about Helm's release Secrets: one by name, or a list/watch/deletecollection
    /// selecting <c>owner=helm</c>.</summary>
    public bool IsReleaseSecret =>
        Type == ResourceTypes.Secrets && Subresource is null &&
        (Name is not null ? Glob.Matches(FaultRule.ReleaseSecretPattern, Name) : SelectsHelmOwner(LabelSelector));

    private static bool SelectsHelmOwner(string selector) =>
        selector.Split(',', StringSplitOptions.TrimEntries).Any(r => r.Replace(" ", "", StringComparison.Ordinal) is "owner=helm" or "owner==helm");
}
