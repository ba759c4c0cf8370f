namespace HelmSentinel.Kubernetes;

/// <summary>One hook resource of a release revision, as <c>helm get hooks</c> prints it and Helm reads its annotations.</summary>
/// <param name="ApiVersion">Its <c>apiVersion</c>, e.g. <c>batch/v1</c>.</param>
/// <param name="Kind">Its <c>kind</c>, e.g. <c>Job</c>.</param>
/// <param name="Name">Its <c>metadata.name</c>.</param>
/// <param name="Namespace">Its <c>metadata.namespace</c> when the chart sets one; null = the release namespace.</param>
/// <param name="Events">The events of <c>helm.sh/hook</c> (<c>pre-upgrade</c>, <c>post-install</c>, ...), trimmed and
/// lower-cased as Helm reads them, in the annotation's order.</param>
/// <param name="DeletePolicies">The policies of <c>helm.sh/hook-delete-policy</c> (<c>before-hook-creation</c>,
/// <c>hook-succeeded</c>, <c>hook-failed</c>), read the same way; empty when the annotation is absent (Helm then
/// applies <c>before-hook-creation</c>).</param>
/// <param name="Weight"><c>helm.sh/hook-weight</c>; 0 when absent or not a whole number, as in Helm.</param>
/// <param name="Source">The template it came from (helm's <c># Source:</c> line), e.g. <c>web/templates/migrate.yaml</c>.</param>
public sealed record HookResource(
    string ApiVersion,
    string Kind,
    string Name,
    string? Namespace,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> DeletePolicies,
    int Weight,
    string? Source)
{
    /// <summary>Its <c>metadata.labels</c>; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What each of its containers (init containers first) runs: <c>command</c> then <c>args</c>, joined by
    /// spaces (<c>bundle exec rails db:migrate</c>); empty for a hook that is not a Job or Pod, or a container that runs its
    /// image's entrypoint unchanged.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary><c>Kind/name</c>, the way the rollout diagnosis names a workload (<c>Job/shop-migrate</c>).</summary>
    public string Reference => $"{Kind}/{Name}";

    /// <summary>True for a batch/v1 Job or a v1 Pod: the hooks that run something, and so can still be running after
    /// the upgrade that created them has ended. Every other hook kind is applied and done.</summary>
    public bool IsJobOrPod => (Kind == "Job" && ApiVersion == "batch/v1") || (Kind == "Pod" && ApiVersion == "v1");
}
