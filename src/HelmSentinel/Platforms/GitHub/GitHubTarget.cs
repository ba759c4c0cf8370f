namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// Where a report goes on GitHub: the repository, the commit and pull request it is about, and the link back to
/// the run. The action takes it from its run (<see cref="GitHubContext.Target"/>); the Azure task from the GitHub
/// pull request it builds.
/// </summary>
public sealed record GitHubTarget
{
    /// <summary>The repository's owner (<c>acme</c> in <c>acme/shop</c>).</summary>
    public required string Owner { get; init; }

    /// <summary>The repository's name (<c>shop</c> in <c>acme/shop</c>).</summary>
    public required string Repository { get; init; }

    /// <summary>The REST API base, used as given: https://api.github.com/, or https://HOST/api/v3/ on GitHub Enterprise Server.</summary>
    public Uri ApiUrl { get; init; } = new("https://api.github.com/");

    /// <summary>The commit deployed, for the Deployment and the commit status; null when unknown (neither is reported then).</summary>
    public string? Sha { get; init; }

    /// <summary>The pull request to comment on; null when the run is not about one.</summary>
    public int? PullRequest { get; init; }

    /// <summary>The event of the run (<c>push</c>, <c>pull_request</c>, …): on a <c>push</c> without <see cref="PullRequest"/>,
    /// the open pull requests of the commit get the comment.</summary>
    public string? EventName { get; init; }

    /// <summary>The link to the run's log (a workflow run, or an Azure Pipelines build), on statuses and comments.</summary>
    public Uri? RunUrl { get; init; }
}
