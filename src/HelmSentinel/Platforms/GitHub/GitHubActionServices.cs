using HelmSentinel.Helm;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Resilience.Helm;
using Octokit;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>What the action runs with besides its environment; tests replace the clock, the retry delays, the
/// GitHub client and helm.</summary>
public sealed record GitHubActionServices
{
    /// <summary>The clock of the engine and of the GitHub retries.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Retries of GitHub API calls.</summary>
    public GitHubRetryOptions GitHubRetry { get; init; } = new();

    /// <summary>Retries of transient helm failures.</summary>
    public HelmRetryOptions HelmRetry { get; init; } = new();

    /// <summary>Builds the GitHub client from the API URL and the token.</summary>
    public Func<Uri, string, IGitHubClient> GitHubClient { get; init; } = GitHubReporter.CreateClient;

    /// <summary>Starts helm with the given environment changes (a null value removes the variable).</summary>
    public Func<IReadOnlyDictionary<string, string?>, IHelmProcess> Helm { get; init; } = static environment => new CliWrapHelmProcess(environment);

    /// <summary>Where helm's version is kept per binary, from the environment's variables (the user's cache folder); null asks helm every time.</summary>
    public Func<Func<string, string?>, HelmVersionCache?> HelmVersions { get; init; } = HelmVersionCache.ForUser;
}
