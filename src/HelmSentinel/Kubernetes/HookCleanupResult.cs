namespace HelmSentinel.Kubernetes;

/// <summary>The outcome of one <see cref="HookCleanup"/>: an entry per hook, in the order given, and the problems met.</summary>
/// <param name="Hooks">One entry per hook of the request.</param>
/// <param name="Warnings">Masked problems talking to the cluster (each <see cref="HookCleanupAction.Failed"/> entry's reason,
/// or one for a kubeconfig that could not be loaded); empty when all went well.</param>
public sealed record HookCleanupResult(IReadOnlyList<HookCleanupEntry> Hooks, IReadOnlyList<string> Warnings)
{
    /// <summary>The hooks that were deleted.</summary>
    public IReadOnlyList<HookCleanupEntry> Deleted => [.. Hooks.Where(h => h.Action == HookCleanupAction.Deleted)];
}
