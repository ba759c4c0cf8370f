namespace HelmSentinel.GitOps.Revert;

/// <summary>How a revert ended.</summary>
public enum RevertStatus
{
    /// <summary>A revert pull request was opened.</summary>
    Opened,

    /// <summary>The open revert pull request of an earlier run was found and updated; no second one.</summary>
    Updated,

    /// <summary>The revert was pushed onto the branch.</summary>
    Pushed,

    /// <summary>The branch already holds a revert of the commit (an earlier run, or a person); nothing new was made.</summary>
    AlreadyReverted,

    /// <summary>The revert conflicts with later commits: nothing was pushed; a person resolves it.</summary>
    Conflict,

    /// <summary><c>--revert none</c>: nothing was done in Git or the APIs.</summary>
    NotReverted,

    /// <summary>The revert could not be made or published; see <see cref="RevertResult.Failure"/> and the summary.</summary>
    Failed,
}

/// <summary>Why a revert failed, for the exit code: bad input 3, unreachable 4, the rest 2.</summary>
public enum RevertFailure
{
    /// <summary>An input is wrong (the revision, the branch, the checkout, a missing platform); nothing was changed.</summary>
    BadInput,

    /// <summary>The Git remote or the pull request API refused the credentials.</summary>
    Unauthorized,

    /// <summary>The Git remote or the API could not be reached, or kept failing after the retries.</summary>
    Unreachable,

    /// <summary>Anything else: a rejected push, a branch that is not ours, an API error.</summary>
    Other,
}

/// <summary>The pull request that brought the commit in.</summary>
/// <param name="Number">Its number (GitHub) or id (Azure Repos).</param>
/// <param name="Title">Its title.</param>
/// <param name="Url">Its web page; null when unknown.</param>
public sealed record OriginalPullRequest(int Number, string Title, Uri? Url);

/// <summary>A revert pull request as the platform holds it.</summary>
/// <param name="Number">Its number (GitHub) or id (Azure Repos).</param>
/// <param name="Url">Its web page; null when unknown.</param>
public sealed record RevertPullRequest(int Number, Uri? Url);

/// <summary>What <see cref="RevertRunner.RunAsync"/> did.</summary>
public sealed record RevertResult
{
    /// <summary>How it ended.</summary>
    public required RevertStatus Status { get; init; }

    /// <summary>One line for the log, masked.</summary>
    public required string Summary { get; init; }

    /// <summary>The reverted commit in full, when git knew it.</summary>
    public string? Revision { get; init; }

    /// <summary>The revert commit (new, reused or found on the branch); null when none was made.</summary>
    public string? RevertCommit { get; init; }

    /// <summary>The branch the commit is on (the remote's default branch unless one was given).</summary>
    public string? Branch { get; init; }

    /// <summary>The revert branch of <see cref="RevertMode.PullRequest"/>; null otherwise.</summary>
    public string? RevertBranch { get; init; }

    /// <summary>The revert pull request, opened or updated.</summary>
    public RevertPullRequest? PullRequest { get; init; }

    /// <summary>The pull request that brought the commit in, when the platform knows it.</summary>
    public OriginalPullRequest? OriginalPullRequest { get; init; }

    /// <summary>The files that conflict, for <see cref="RevertStatus.Conflict"/>.</summary>
    public IReadOnlyList<string> ConflictingPaths { get; init; } = [];

    /// <summary>The commands a person runs to make the revert by hand, for <see cref="RevertStatus.Conflict"/>.</summary>
    public string? ManualCommand { get; init; }

    /// <summary>Why it failed, for <see cref="RevertStatus.Failed"/>.</summary>
    public RevertFailure? Failure { get; init; }

    /// <summary>True when the revert is in Git, on the branch or in a pull request (exit 1 rather than 2).</summary>
    public bool Reverted => Status is RevertStatus.Opened or RevertStatus.Updated or RevertStatus.Pushed or RevertStatus.AlreadyReverted;
}
