using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>A GitHub pull request built by Azure Pipelines (<c>Build.Repository.Provider</c> GitHub).</summary>
/// <param name="Repository"><c>owner/name</c> (<c>Build.Repository.Name</c>).</param>
/// <param name="Number">PR number (<c>System.PullRequest.PullRequestNumber</c>).</param>
/// <param name="Token">The <c>githubToken</c> input; null when not given.</param>
/// <param name="ApiUrl">The GitHub REST API (<c>githubApiUrl</c> input; https://api.github.com/ by default, https://HOST/api/v3/ on GitHub Enterprise Server).</param>
/// <param name="Sha">The pull request's head commit (<c>System.PullRequest.SourceCommitId</c>), for the commit status.</param>
/// <param name="BuildUrl">The build's results page, linked from the comment and the status.</param>
public sealed record GitHubPullRequestTarget(string Repository, int Number, string? Token, Uri ApiUrl, string? Sha, Uri? BuildUrl)
{
    /// <summary>The pull request as the GitHub reporter takes it (the build's page as the run's link); null when
    /// <see cref="Repository"/> is not <c>owner/name</c>.</summary>
    public GitHubTarget? Target => Repository.IndexOf('/', StringComparison.Ordinal) is var slash && slash > 0 && slash < Repository.Length - 1
        ? new GitHubTarget
        {
            Owner = Repository[..slash],
            Repository = Repository[(slash + 1)..],
            ApiUrl = ApiUrl,
            EventName = "pull_request",
            PullRequest = Number,
            Sha = Sha,
            RunUrl = BuildUrl,
        }
        : null;
}
