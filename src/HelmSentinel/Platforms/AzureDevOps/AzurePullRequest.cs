using System.Globalization;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>An Azure Repos pull request to report to (REST 7.1, authenticated with the job's access token).</summary>
/// <param name="CollectionUri">Organisation or collection URL, ending in <c>/</c> (<c>System.CollectionUri</c>).</param>
/// <param name="Project">Project id or name (<c>System.TeamProjectId</c>).</param>
/// <param name="RepositoryId">Repository GUID (<c>Build.Repository.ID</c>).</param>
/// <param name="PullRequestId">Pull request id (<c>System.PullRequest.PullRequestId</c>).</param>
/// <param name="AccessToken">The job's OAuth token (<c>System.AccessToken</c>); null when the job has none.</param>
/// <param name="BuildUrl">The run's results page, for the status link; null when unknown.</param>
public sealed record AzurePullRequest(Uri CollectionUri, string Project, string RepositoryId, int PullRequestId, string? AccessToken, string? BuildUrl)
{
    /// <summary><c>{collection}{project}/_apis/git/repositories/{repository}/pullRequests/{id}</c>.</summary>
    public Uri BaseUri => new(CollectionUri,
        $"{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Uri.EscapeDataString(RepositoryId)}/pullRequests/{PullRequestId.ToString(CultureInfo.InvariantCulture)}/");
}
