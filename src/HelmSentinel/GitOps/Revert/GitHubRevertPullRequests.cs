using System.Net;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Text;
using Octokit;
using Polly;

namespace HelmSentinel.GitOps.Revert;

/// <summary>
/// The revert's pull requests on GitHub through Octokit: the merged pull request of a commit
/// (<c>GET /repos/{owner}/{repo}/commits/{sha}/pulls</c>), the open one from the revert branch, create, update, and the
/// comment on the original pull request found again by its hidden marker. Every call goes through the GitHub retry.
/// </summary>
public sealed class GitHubRevertPullRequests : IRevertPullRequests
{
    private readonly IGitHubClient _client;
    private readonly string _owner;
    private readonly string _repository;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates the pull requests of <paramref name="owner"/>/<paramref name="repository"/>.</summary>
    /// <param name="client">An authenticated client (<c>GitHubReporter.CreateClient(context.ApiUrl, token)</c>).</param>
    /// <param name="owner">The repository's owner (<c>GitHubContext.Owner</c>).</param>
    /// <param name="repository">The repository's name (<c>GitHubContext.Repository</c>).</param>
    /// <param name="retry">The pipeline from <see cref="GitHubRetry.Create"/>.</param>
    public GitHubRevertPullRequests(IGitHubClient client, string owner, string repository, ResiliencePipeline retry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _retry = retry ?? throw new ArgumentNullException(nameof(retry));
        (_owner, _repository) = (owner, repository);
    }

    /// <inheritdoc />
    public string Name => $"GitHub {_owner}/{_repository}";

    /// <inheritdoc />
    public int MaxBodyLength => RevertPullRequestText.GitHubMaxBodyLength;

    /// <inheritdoc />
    public Task<OriginalPullRequest?> FindOriginalAsync(string sha, CancellationToken cancellationToken) =>
        CallAsync("find the pull request of the commit", async () =>
        {
            // On the default branch GitHub answers with the merged pull request that brought the commit in.
            var pulls = await _client.Repository.Commit.PullRequests(_owner, _repository, sha);
            var merged = pulls.Where(p => p.MergedAt is not null).OrderBy(p => p.MergedAt).FirstOrDefault();
            return merged is null ? null : new OriginalPullRequest(merged.Number, merged.Title ?? "", UrlOf(merged.HtmlUrl));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<RevertPullRequest?> FindOpenAsync(string headBranch, string baseBranch, CancellationToken cancellationToken) =>
        CallAsync("find the open revert pull request", () => FindOpenOnceAsync(headBranch, baseBranch), cancellationToken);

    /// <inheritdoc />
    public async Task<RevertPullRequest> CreateAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken)
    {
        // Finding and creating are one attempt: a create GitHub stored but answered too late is found when it is retried.
        var created = await CallAsync("open the revert pull request", async () =>
        {
            if (await FindOpenOnceAsync(headBranch, baseBranch) is { } stored)
            {
                return stored;
            }

            var pull = await _client.PullRequest.Create(_owner, _repository, new NewPullRequest(title, headBranch, baseBranch) { Body = body });
            return new RevertPullRequest(pull.Number, UrlOf(pull.HtmlUrl));
        }, cancellationToken);
        return created ?? throw new RevertException(RevertFailure.Other, $"{Name} opened no pull request from {headBranch}.");
    }

    /// <inheritdoc />
    public Task UpdateBodyAsync(RevertPullRequest pullRequest, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        return CallAsync("update the revert pull request", async () =>
            (object?)await _client.PullRequest.Update(_owner, _repository, pullRequest.Number, new PullRequestUpdate { Body = body }), cancellationToken);
    }

    /// <inheritdoc />
    public Task CommentAsync(OriginalPullRequest original, string marker, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        return CallAsync($"comment on pull request #{original.Number}", async () =>
        {
            var comments = await _client.Issue.Comment.GetAllForIssue(_owner, _repository, original.Number);
            if (comments.FirstOrDefault(c => c.Body?.TrimStart().StartsWith(marker, StringComparison.Ordinal) == true) is { } existing)
            {
                return (object?)await _client.Issue.Comment.Update(_owner, _repository, existing.Id, body);
            }

            return await _client.Issue.Comment.Create(_owner, _repository, original.Number, body);
        }, cancellationToken);
    }

    private async Task<RevertPullRequest?> FindOpenOnceAsync(string headBranch, string baseBranch)
    {
        var open = await _client.PullRequest.GetAllForRepository(_owner, _repository,
            new PullRequestRequest { State = ItemStateFilter.Open, Head = $"{_owner}:{headBranch}", Base = baseBranch });
        var pull = open.FirstOrDefault(p => p.Head?.Ref == headBranch);
        return pull is null ? null : new RevertPullRequest(pull.Number, UrlOf(pull.HtmlUrl));
    }

    private async Task<T?> CallAsync<T>(string what, Func<Task<T?>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async _ => await call(), cancellationToken);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or TaskCanceledException { InnerException: TimeoutException } && !cancellationToken.IsCancellationRequested)
        {
            throw e switch
            {
                ApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } api => new RevertException(RevertFailure.Unauthorized,
                    $"{Name} refused to {what}: {(int)api.StatusCode} {TextFormat.OneLine(api.Message)}. The token (GITHUB_TOKEN, or the variable --github-token-env names) " +
                    "needs the permissions pull-requests: write and contents: write.", e),
                _ when GitHubRetry.IsTransient(e) => new RevertException(RevertFailure.Unreachable, $"{Name}: could not {what} after the retries: {Describe(e)}.", e),
                _ => new RevertException(RevertFailure.Other, $"{Name}: could not {what}: {Describe(e)}.", e),
            };
        }
    }

    private static string Describe(Exception e) =>
        e is ApiException api && api.StatusCode != 0 ? $"{(int)api.StatusCode} {TextFormat.OneLine(api.Message)}" : TextFormat.OneLine(e.Message);

    private static Uri? UrlOf(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
}
