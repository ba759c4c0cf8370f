using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.Resilience.GitHub;

namespace HelmSentinel.Cli.Commands;

/// <summary>The revert a command line can make, from what its environment holds: the pull request goes to GitHub
/// (<c>GITHUB_REPOSITORY</c>, <c>GITHUB_API_URL</c> and the token variable) or to Azure Repos (the pipeline's
/// <c>SYSTEM_COLLECTIONURI</c>, <c>SYSTEM_TEAMPROJECT</c>, <c>BUILD_REPOSITORY_ID</c>, <c>SYSTEM_ACCESSTOKEN</c>).</summary>
internal static class GitOpsReverts
{
    /// <summary>The revert for <paramref name="request"/>, or why it cannot be made (then nothing runs); the tokens it uses
    /// are added to <paramref name="secrets"/>.</summary>
    public static Func<GitOpsOutcome, CancellationToken, Task<GitOpsRevertReport>>? ForCli(
        GitOpsRequest request, string? githubTokenVariable, Func<string, string?> environment, HttpClient http, List<string> secrets, out string? refused)
    {
        refused = null;
        if (request.Revert == RevertMode.None)
        {
            return null;
        }

        var (pullRequests, runUrl, runLabel) = PullRequests(githubTokenVariable ?? "GITHUB_TOKEN", environment, http, secrets);
        refused = GitOpsReverting.Refusal(request, pullRequests,
            $"{githubTokenVariable ?? "GITHUB_TOKEN"} and GITHUB_REPOSITORY (GitHub) or SYSTEM_ACCESSTOKEN, SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECT and BUILD_REPOSITORY_ID (Azure Repos)")
            ?.Replace("'revert'", "'--revert'", StringComparison.Ordinal);
        return refused is null ? GitOpsReverting.Create(request, pullRequests, runUrl, runLabel) : null;
    }

    private static (IRevertPullRequests? PullRequests, Uri? RunUrl, string RunLabel) PullRequests(
        string tokenVariable, Func<string, string?> environment, HttpClient http, List<string> secrets)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        if (Get(tokenVariable) is { } token && Get("GITHUB_REPOSITORY")?.Split('/') is [var owner, var name])
        {
            secrets.Add(token);
            var api = new Uri((Get("GITHUB_API_URL") ?? "https://api.github.com").TrimEnd('/') + "/");
            var server = Get("GITHUB_SERVER_URL") ?? "https://github.com";
            var run = Get("GITHUB_RUN_ID") is { } id ? new Uri($"{server.TrimEnd('/')}/{owner}/{name}/actions/runs/{id}") : null;
            return (new GitHubRevertPullRequests(GitHubReporter.CreateClient(api, token), owner, name, GitHubRetry.Create(new GitHubRetryOptions(), TimeProvider.System)), run, "workflow run");
        }

        if (Get("SYSTEM_ACCESSTOKEN") is { } accessToken && Get("SYSTEM_COLLECTIONURI") is { } collection
            && (Get("SYSTEM_TEAMPROJECTID") ?? Get("SYSTEM_TEAMPROJECT")) is { } project && Get("BUILD_REPOSITORY_ID") is { } repository
            && Uri.TryCreate(collection.TrimEnd('/') + "/", UriKind.Absolute, out var collectionUri))
        {
            secrets.Add(accessToken);
            var repos = new AzureReposRepository(collectionUri, project, repository, accessToken);
            return (new AzureReposRevertPullRequests(http, repos, new AzureRestRetryOptions()), null, "pipeline run");
        }

        return (null, null, "run");
    }
}
