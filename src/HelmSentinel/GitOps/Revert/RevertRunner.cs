namespace HelmSentinel.GitOps.Revert;

/// <summary>
/// Reverts the commit that degraded a GitOps application, as <see cref="RevertRequest.Mode"/> asks: <c>pr</c> pushes the
/// revert to its own branch and opens (or, on a later run, updates) the pull request and comments on the original one;
/// <c>push</c> pushes it onto the branch; <c>none</c> does nothing. Never throws for a revert that could not be made:
/// every ending is a <see cref="RevertResult"/>.
/// </summary>
public sealed class RevertRunner
{
    private readonly GitRevert _git;

    /// <summary>Creates the runner.</summary>
    /// <param name="git">How git is run; null = the defaults.</param>
    public RevertRunner(GitRevert? git = null) => _git = git ?? new GitRevert();

    /// <summary>Makes and publishes the revert.</summary>
    /// <param name="request">What to revert and how.</param>
    /// <param name="pullRequests">The platform's pull requests; required for <see cref="RevertMode.PullRequest"/>, unused otherwise.</param>
    /// <param name="cancellationToken">Stops git and the API calls.</param>
    public async Task<RevertResult> RunAsync(RevertRequest request, IRevertPullRequests? pullRequests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Mode == RevertMode.None)
        {
            return new RevertResult { Status = RevertStatus.NotReverted, Summary = $"revert: none asked for (--revert none); {Short(request.Revision)} is left as it is." };
        }

        if (request.Mode == RevertMode.PullRequest && pullRequests is null)
        {
            return Failed(RevertFailure.BadInput, "revert: --revert pr needs the repository's pull requests (a GitHub token and repository, or the Azure Repos " +
                "context); give them, or use --revert push or none. Nothing was changed.");
        }

        GitRevertOutcome git;
        try
        {
            git = await _git.RevertAsync(request, cancellationToken);
        }
        catch (RevertException e)
        {
            return Failed(e.Failure, $"revert: {e.Message}" + (e.Failure == RevertFailure.BadInput ? " Nothing was changed." : ""));
        }

        var result = new RevertResult
        {
            Status = RevertStatus.Failed,
            Summary = "",
            Revision = git.Revision,
            Branch = git.Branch,
            RevertCommit = git.RevertCommit,
            RevertBranch = git.RevertBranch,
        };
        switch (git.Kind)
        {
            case GitRevertKind.Conflict:
                return result with
                {
                    Status = RevertStatus.Conflict,
                    ConflictingPaths = git.ConflictingPaths,
                    ManualCommand = git.ManualCommand,
                    Summary = $"revert: reverting {Short(git.Revision)} conflicts with later commits on {git.Branch} in {string.Join(", ", git.ConflictingPaths)}; " +
                        $"nothing was pushed. By hand: {git.ManualCommand}",
                };
            case GitRevertKind.AlreadyReverted:
                return result with
                {
                    Status = RevertStatus.AlreadyReverted,
                    Summary = $"revert: {git.Branch} already holds {Short(git.RevertCommit)}, a revert of {Short(git.Revision)}; nothing new was made.",
                };
        }

        if (request.Mode == RevertMode.Push)
        {
            return result with { Status = RevertStatus.Pushed, Summary = $"revert: pushed {Short(git.RevertCommit)}, reverting {Short(git.Revision)}, onto {git.Branch}." };
        }

        try
        {
            return await PublishAsync(request, pullRequests!, git, result, cancellationToken);
        }
        catch (RevertException e)
        {
            return result with
            {
                Failure = e.Failure,
                Summary = $"revert: {Short(git.RevertCommit)} is on the branch {git.RevertBranch}, but the pull request could not be made on {pullRequests!.Name}: {e.Message}",
            };
        }
    }

    private static async Task<RevertResult> PublishAsync(
        RevertRequest request, IRevertPullRequests pullRequests, GitRevertOutcome git, RevertResult result, CancellationToken cancellationToken)
    {
        var original = await pullRequests.FindOriginalAsync(git.Revision, cancellationToken);
        var body = RevertPullRequestText.Body(request, git.Revision, git.Branch, original, pullRequests.MaxBodyLength);
        var existing = await pullRequests.FindOpenAsync(git.RevertBranch!, git.Branch, cancellationToken);
        RevertPullRequest pull;
        if (existing is not null)
        {
            await pullRequests.UpdateBodyAsync(existing, body, cancellationToken);
            pull = existing;
        }
        else
        {
            pull = await pullRequests.CreateAsync(git.RevertBranch!, git.Branch, RevertPullRequestText.Title(original, git.Subject), body, cancellationToken);
        }

        if (original is not null)
        {
            await pullRequests.CommentAsync(original, RevertPullRequestText.CommentMarker(git.Revision),
                RevertPullRequestText.Comment(git.Revision, pull, request), cancellationToken);
        }

        var status = existing is null ? RevertStatus.Opened : RevertStatus.Updated;
        return result with
        {
            Status = status,
            PullRequest = pull,
            OriginalPullRequest = original,
            Summary = $"revert: {(status == RevertStatus.Opened ? "opened" : "updated")} pull request #{pull.Number}{(pull.Url is { } url ? " " + url.AbsoluteUri : "")} " +
                $"({git.RevertBranch} into {git.Branch}), reverting {Short(git.Revision)}" +
                (original is null ? "." : $" of pull request #{original.Number}, which was commented on."),
        };
    }

    private static RevertResult Failed(RevertFailure failure, string summary) => new() { Status = RevertStatus.Failed, Failure = failure, Summary = summary };

    private static string Short(string? sha) => sha is null ? "" : sha[..Math.Min(7, sha.Length)];
}
