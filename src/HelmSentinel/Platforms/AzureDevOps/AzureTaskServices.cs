using HelmSentinel.Helm;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Resilience.Helm;
using Octokit;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>What the Azure task runs with besides its environment; tests replace the clock, the retry delays, the
/// HTTP handler, the GitHub client and helm.</summary>
public sealed record AzureTaskServices
{
    /// <summary>The clock of the engine and of the REST and GitHub retries.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Retries of Azure DevOps REST calls (the Azure Repos pull request).</summary>
    public AzureRestRetryOptions AzureReposRetry { get; init; } = new();

    /// <summary>Retries of GitHub API calls, for a repository on GitHub.</summary>
    public GitHubRetryOptions GitHubRetry { get; init; } = new();

    /// <summary>Retries of transient helm failures.</summary>
    public HelmRetryOptions HelmRetry { get; init; } = new();

    /// <summary>Sends the Azure DevOps REST requests; null = a new <see cref="SocketsHttpHandler"/> for the run.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Builds the GitHub client from the API URL and the token, for a repository on GitHub.</summary>
    public Func<Uri, string, IGitHubClient> GitHubClient { get; init; } = GitHubReporter.CreateClient;

    /// <summary>Starts helm with the given environment changes (a null value removes the variable).</summary>
    public Func<IReadOnlyDictionary<string, string?>, IHelmProcess> Helm { get; init; } = static environment => new CliWrapHelmProcess(environment);

    /// <summary>Where helm's version is kept per binary, from the environment's variables (the user's cache folder); null asks helm every time.</summary>
    public Func<Func<string, string?>, HelmVersionCache?> HelmVersions { get; init; } = HelmVersionCache.ForUser;
}
