namespace HelmSentinel.GitOps.Revert;

/// <summary>What <see cref="GitRevert"/> did in Git.</summary>
public enum GitRevertKind
{
    /// <summary>A new revert commit was made and pushed (to the revert branch, or onto the branch).</summary>
    Created,

    /// <summary>The revert branch of an earlier run holds a revert of the commit already; it is used as it is.</summary>
    Reused,

    /// <summary>The branch already holds a revert of the commit; nothing was made.</summary>
    AlreadyReverted,

    /// <summary>The revert conflicts; it was aborted and nothing was pushed.</summary>
    Conflict,
}

/// <summary>The end of the Git part of a revert.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Revision">The reverted commit in full.</param>
/// <param name="Subject">Its subject line.</param>
/// <param name="Branch">The branch it is on.</param>
/// <param name="RevertCommit">The revert commit; null for a conflict.</param>
/// <param name="RevertBranch">The revert branch (pull request mode), else null.</param>
/// <param name="ConflictingPaths">The files that conflict, for <see cref="GitRevertKind.Conflict"/>.</param>
/// <param name="ManualCommand">What a person runs to make the revert by hand, for <see cref="GitRevertKind.Conflict"/>.</param>
public sealed record GitRevertOutcome(
    GitRevertKind Kind,
    string Revision,
    string Subject,
    string Branch,
    string? RevertCommit,
    string? RevertBranch,
    IReadOnlyList<string> ConflictingPaths,
    string? ManualCommand);
