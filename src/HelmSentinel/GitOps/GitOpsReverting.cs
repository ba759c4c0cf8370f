using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.GitOps;

/// <summary>The revert of a failed GitOps revision, for any entry point: the request's checkout and mode, the watch's
/// report as the pull request's text, the platform's pull requests (none for a push).</summary>
public static class GitOpsReverting
{
    /// <summary>The revert the runner calls when the revision fails.</summary>
    /// <param name="request">The watch's request.</param>
    /// <param name="pullRequests">Where the revert pull request goes; null when the mode needs none (push).</param>
    /// <param name="runUrl">A link to the run that decided, when there is one.</param>
    /// <param name="runLabel">How the run is named beside its link, e.g. <c>workflow run</c>.</param>
    /// <param name="runner">Makes the revert; null for the real one (git).</param>
    public static Func<GitOpsOutcome, CancellationToken, Task<GitOpsRevertReport>> Create(
        GitOpsRequest request, IRevertPullRequests? pullRequests, Uri? runUrl, string runLabel, RevertRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return async (outcome, cancellationToken) =>
        {
            var result = await (runner ?? new RevertRunner()).RunAsync(
                new RevertRequest
                {
                    Repository = request.RepoDir,
                    Revision = request.Revision,
                    Mode = request.Revert,
                    BranchPrefix = request.RevertBranchPrefix,
                    Diagnosis = GitOpsReport.Markdown(outcome),
                    RunUrl = runUrl,
                    RunLabel = runLabel,
                },
                pullRequests,
                cancellationToken);
            return Report(result);
        };
    }

    /// <summary>What the runner reports of a revert.</summary>
    /// <param name="result">The revert's result.</param>
    public static GitOpsRevertReport Report(RevertResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // The headline already says "reverted:" before it.
        const string prefix = "revert: ";
        var summary = result.Summary.StartsWith(prefix, StringComparison.Ordinal) ? result.Summary[prefix.Length..] : result.Summary;
        return new GitOpsRevertReport(result.Reverted, summary, result.PullRequest?.Url?.ToString())
        {
            ConflictPaths = result.ConflictingPaths,
            ManualCommand = result.ManualCommand,
        };
    }

    /// <summary>Why a revert of <paramref name="request"/> cannot be made on a platform without a way to open pull requests;
    /// null when it can (push and none need none).</summary>
    /// <param name="request">The watch's request.</param>
    /// <param name="pullRequests">The platform's pull requests, when it has them.</param>
    /// <param name="whatIsMissing">What to give for pull requests, e.g. <c>github-token</c>.</param>
    public static string? Refusal(GitOpsRequest request, IRevertPullRequests? pullRequests, string whatIsMissing)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Revert == RevertMode.PullRequest && pullRequests is null
            ? $"invalid input 'revert': revert pr opens a pull request, which needs {whatIsMissing}; give it, or use revert push or none"
            : null;
    }
}
