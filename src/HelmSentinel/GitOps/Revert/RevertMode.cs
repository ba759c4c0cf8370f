namespace HelmSentinel.GitOps.Revert;

/// <summary>What to do with the commit when the application degraded after it (<c>--revert pr|push|none</c>).</summary>
public enum RevertMode
{
    /// <summary><c>pr</c>: push the revert to its own branch and open (or update) a pull request.</summary>
    PullRequest,

    /// <summary><c>push</c>: push the revert straight onto the branch (fast-forward only).</summary>
    Push,

    /// <summary><c>none</c>: only report; nothing in Git or the APIs.</summary>
    None,
}
