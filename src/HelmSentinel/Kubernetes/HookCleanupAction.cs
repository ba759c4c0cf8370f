namespace HelmSentinel.Kubernetes;

/// <summary>What <see cref="HookCleanup"/> did with one hook.</summary>
public enum HookCleanupAction
{
    /// <summary>A Job or Pod that had not succeeded was deleted, its pods with it (background propagation).</summary>
    Deleted,

    /// <summary>The Job or Pod no longer exists (Helm's delete policy, or an earlier clean-up, took it).</summary>
    AlreadyGone,

    /// <summary>The Job completed or the Pod succeeded: it runs nothing any more, and is left as Helm left it.</summary>
    LeftSucceeded,

    /// <summary>Not a Job or Pod (a ConfigMap, a Secret...): nothing of it runs, so it is not touched.</summary>
    Ignored,

    /// <summary>The cluster could not be asked or did not delete it; the reason is also one of the result's warnings.</summary>
    Failed,
}
