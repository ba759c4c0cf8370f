namespace HelmSentinel.Kubernetes;

/// <summary>
/// Where in Helm's sequence a failure happened, from the hooks of the revision (pure). Helm runs the
/// <c>pre-install</c> / <c>pre-upgrade</c> hooks, waits for them, and only then applies the release's manifests; so
/// a pre-hook Job or Pod that failed means nothing of the application was changed by this revision.
/// </summary>
public static class HookPhase
{
    /// <summary>
    /// "the failure happened in the pre-upgrade hook Job/shop-migrate, before any application object changed" when
    /// <paramref name="failedWorkload"/> is a Job or Pod hook of <paramref name="hooks"/> that runs before the manifests
    /// in this operation (and not after them too); otherwise null. Hooks of a lower weight may have run before it, and a
    /// hook's own work (a migration) is not an application object: the sentence claims nothing about either.
    /// </summary>
    /// <param name="hooks">The hooks of the revision that failed (<see cref="HookManifest.Parse"/>).</param>
    /// <param name="failedWorkload">The failing workload as the diagnosis names it, <c>Kind/name</c> (<c>Job/shop-migrate</c>).</param>
    /// <param name="firstInstall">True when the revision was the release's first install (its <c>pre-install</c> hooks
    /// ran); false for an upgrade (<c>pre-upgrade</c>).</param>
    public static string? Describe(IReadOnlyList<HookResource> hooks, string failedWorkload, bool firstInstall)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(failedWorkload);
        var hook = hooks.FirstOrDefault(h => h.IsJobOrPod && h.Reference == failedWorkload);
        var (before, after) = firstInstall ? ("pre-install", "post-install") : ("pre-upgrade", "post-upgrade");
        if (hook is null || !hook.Events.Contains(before) || hook.Events.Contains(after))
        {
            return null;
        }

        return $"the failure happened in the {before} hook {hook.Reference}, before any application object changed";
    }
}
