namespace HelmSentinel.GitOps.Revert;

/// <summary>
/// The pull requests of the repository the revert is pushed to (GitHub, Azure Repos): the one seam of the revert, so the
/// runner is the same for both. Implementations retry transient errors inside and throw <see cref="RevertException"/>
/// (<see cref="RevertFailure.Unauthorized"/>, <see cref="RevertFailure.Unreachable"/>, <see cref="RevertFailure.Other"/>).
/// </summary>
public interface IRevertPullRequests
{
    /// <summary>The platform and repository, for messages, e.g. <c>GitHub acme/shop</c>.</summary>
    string Name { get; }

    /// <summary>The longest pull request body the platform accepts, in characters.</summary>
    int MaxBodyLength { get; }

    /// <summary>The merged pull request that brought <paramref name="sha"/> in; null when there is none.</summary>
    Task<OriginalPullRequest?> FindOriginalAsync(string sha, CancellationToken cancellationToken);

    /// <summary>The open pull request from <paramref name="headBranch"/> into <paramref name="baseBranch"/>; null when there is none.</summary>
    Task<RevertPullRequest?> FindOpenAsync(string headBranch, string baseBranch, CancellationToken cancellationToken);

    /// <summary>Opens a pull request from <paramref name="headBranch"/> into <paramref name="baseBranch"/>.</summary>
    Task<RevertPullRequest> CreateAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken);

    /// <summary>Replaces the body of <paramref name="pullRequest"/>.</summary>
    Task UpdateBodyAsync(RevertPullRequest pullRequest, string body, CancellationToken cancellationToken);

    /// <summary>Comments on <paramref name="original"/>, or updates in place the comment whose body starts with
    /// <paramref name="marker"/>. <paramref name="body"/> already starts with it.</summary>
    Task CommentAsync(OriginalPullRequest original, string marker, string body, CancellationToken cancellationToken);
}
