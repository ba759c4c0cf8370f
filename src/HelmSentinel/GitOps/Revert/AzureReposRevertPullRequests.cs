using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.Text;
using Polly;

namespace HelmSentinel.GitOps.Revert;

/// <summary>An Azure Repos repository (REST 7.1), authenticated with the job's access token.</summary>
/// <param name="CollectionUri">Organisation or collection URL, ending in <c>/</c> (<c>System.CollectionUri</c>).</param>
/// <param name="Project">Project id or name (<c>System.TeamProjectId</c>).</param>
/// <param name="RepositoryId">Repository GUID or name (<c>Build.Repository.ID</c>).</param>
/// <param name="AccessToken">The job's OAuth token (<c>System.AccessToken</c>); null when the job has none.</param>
public sealed record AzureReposRepository(Uri CollectionUri, string Project, string RepositoryId, string? AccessToken)
{
    /// <summary><c>{collection}{project}/_apis/git/repositories/{repository}/</c>.</summary>
    public Uri ApiUri => new(CollectionUri, $"{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Uri.EscapeDataString(RepositoryId)}/");

    /// <summary>The web page of pull request <paramref name="id"/>.</summary>
    public Uri WebUri(int id) =>
        new(CollectionUri, $"{Uri.EscapeDataString(Project)}/_git/{Uri.EscapeDataString(RepositoryId)}/pullrequest/{id.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The value printed for the record: the token never is.</summary>
    public override string ToString() => $"Azure Repos {Project}/{RepositoryId} at {CollectionUri}";
}

/// <summary>
/// The revert's pull requests on Azure Repos through its REST API (7.1): the pull request of a commit
/// (<c>pullrequestquery</c>, <c>lastMergeCommit</c> then <c>commit</c>), the active one from the revert branch
/// (<c>searchCriteria.sourceRefName</c>), create, update the description, and a thread on the original pull request
/// found again by its hidden marker. Calls go through the Azure Repos retry; creates are never retried blindly.
/// </summary>
public sealed class AzureReposRevertPullRequests : IRevertPullRequests
{
    private const string ApiVersion = "api-version=7.1";

    private readonly HttpClient _http;
    private readonly AzureReposRepository _repository;
    private readonly AzureRestRetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Creates the pull requests of <paramref name="repository"/>; <paramref name="http"/> is not disposed.</summary>
    /// <param name="http">Sends the requests.</param>
    /// <param name="repository">The repository and token.</param>
    /// <param name="retry">Attempts and waits; null = the defaults.</param>
    /// <param name="time">The clock of the waits; null = the system clock.</param>
    public AzureReposRevertPullRequests(HttpClient http, AzureReposRepository repository, AzureRestRetryOptions? retry = null, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _repository = repository ?? throw new ArgumentNullException(nameof(repository));
        _retry = retry ?? new AzureRestRetryOptions();
        _time = time ?? TimeProvider.System;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddAzureReposRetry(_retry, _time).Build();
    }

    /// <inheritdoc />
    public string Name => $"Azure Repos {_repository.Project}/{_repository.RepositoryId}";

    /// <inheritdoc />
    public int MaxBodyLength => RevertPullRequestText.AzureReposMaxDescriptionLength;

    /// <inheritdoc />
    public async Task<OriginalPullRequest?> FindOriginalAsync(string sha, CancellationToken cancellationToken)
    {
        // lastMergeCommit: the pull request whose merge (or squash) made the commit; commit: the one that merged it (a rebase).
        var answer = await SendAsync(HttpMethod.Post, "pullrequestquery", new JsonObject
        {
            ["queries"] = new JsonArray(
                new JsonObject { ["type"] = "lastMergeCommit", ["items"] = new JsonArray(sha) },
                new JsonObject { ["type"] = "commit", ["items"] = new JsonArray(sha) }),
        }, cancellationToken);
        var pull = (answer?["results"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .SelectMany(r => r.Where(p => string.Equals(p.Key, sha, StringComparison.OrdinalIgnoreCase)).SelectMany(p => p.Value as JsonArray ?? []))
            .OfType<JsonObject>()
            .FirstOrDefault(p => (string?)p["status"] is null or "completed");
        return pull is null || Id(pull) is not { } id ? null : new OriginalPullRequest(id, (string?)pull["title"] ?? "", _repository.WebUri(id));
    }

    /// <inheritdoc />
    public async Task<RevertPullRequest?> FindOpenAsync(string headBranch, string baseBranch, CancellationToken cancellationToken)
    {
        var query = "searchCriteria.status=active"
            + "&searchCriteria.sourceRefName=" + Uri.EscapeDataString("refs/heads/" + headBranch)
            + "&searchCriteria.targetRefName=" + Uri.EscapeDataString("refs/heads/" + baseBranch);
        var answer = await SendAsync(HttpMethod.Get, "pullrequests", null, cancellationToken, query);
        var pull = (answer?["value"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(p => (string?)p["sourceRefName"] == "refs/heads/" + headBranch);
        return pull is null || Id(pull) is not { } id ? null : new RevertPullRequest(id, _repository.WebUri(id));
    }

    /// <inheritdoc />
    public async Task<RevertPullRequest> CreateAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken)
    {
        // Each attempt looks first, so a create that was stored but answered with an error is found, not made twice.
        for (var attempt = 0; ; attempt++)
        {
            if (await FindOpenAsync(headBranch, baseBranch, cancellationToken) is { } stored)
            {
                return stored;
            }

            try
            {
                var created = await SendAsync(HttpMethod.Post, "pullrequests", new JsonObject
                {
                    ["sourceRefName"] = "refs/heads/" + headBranch,
                    ["targetRefName"] = "refs/heads/" + baseBranch,
                    ["title"] = title,
                    ["description"] = body,
                }, cancellationToken, retry: false);
                var id = created is JsonObject pull ? Id(pull) : null;
                return id is { } number
                    ? new RevertPullRequest(number, _repository.WebUri(number))
                    : throw new RevertException(RevertFailure.Other, $"{Name} answered the create of the pull request without an id.");
            }
            catch (RevertException e) when (e.Failure == RevertFailure.Unreachable && attempt < _retry.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async Task UpdateBodyAsync(RevertPullRequest pullRequest, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        await SendAsync(HttpMethod.Patch, $"pullrequests/{pullRequest.Number.ToString(CultureInfo.InvariantCulture)}", new JsonObject { ["description"] = body }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task CommentAsync(OriginalPullRequest original, string marker, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        var threads = $"pullRequests/{original.Number.ToString(CultureInfo.InvariantCulture)}/threads";
        for (var attempt = 0; ; attempt++)
        {
            var listed = await SendAsync(HttpMethod.Get, threads, null, cancellationToken);
            foreach (var thread in (listed?["value"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var first = (thread["comments"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
                if (thread["isDeleted"]?.GetValueKind() != JsonValueKind.True && first?["content"]?.GetValueKind() == JsonValueKind.String
                    && ((string?)first["content"] ?? "").StartsWith(marker, StringComparison.Ordinal) && Id(thread, "id") is { } threadId)
                {
                    var commentId = Id(first, "id") ?? 1;
                    await SendAsync(HttpMethod.Patch, $"{threads}/{threadId.ToString(CultureInfo.InvariantCulture)}/comments/{commentId.ToString(CultureInfo.InvariantCulture)}",
                        new JsonObject { ["content"] = body }, cancellationToken);
                    return;
                }
            }

            try
            {
                await SendAsync(HttpMethod.Post, threads, new JsonObject
                {
                    ["comments"] = new JsonArray(new JsonObject { ["parentCommentId"] = 0, ["content"] = body, ["commentType"] = "text" }),
                    ["status"] = "active",
                }, cancellationToken, retry: false);
                return;
            }
            catch (RevertException e) when (e.Failure == RevertFailure.Unreachable && attempt < _retry.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken);
            }
        }
    }

    private static int? Id(JsonObject node, string name = "pullRequestId") =>
        node[name] is JsonValue value && value.TryGetValue<int>(out var id) ? id : null;

    private TimeSpan Backoff(int attempt)
    {
        var delay = _retry.BaseDelay * Math.Pow(2, attempt);
        return delay < _retry.MaxDelay ? delay : _retry.MaxDelay;
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, string? query = null, bool retry = true)
    {
        var uri = new Uri(_repository.ApiUri, path + "?" + (query is null ? "" : query + "&") + ApiVersion);
        var payload = body?.ToJsonString();
        var pipeline = retry ? _pipeline : ResiliencePipeline<HttpResponseMessage>.Empty;
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(async ct =>
            {
                using var request = JsonHttp.Request(method, uri, _repository.AccessToken, payload);
                return await _http.SendAsync(request, ct);
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } && !cancellationToken.IsCancellationRequested)
        {
            throw new RevertException(RevertFailure.Unreachable, $"{Name}: {method} {path} could not be sent after the retries: {TextFormat.OneLine(e.Message)}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }

            var detail = TextFormat.Cut(TextFormat.OneLine(text), 300, "…");
            var code = (int)response.StatusCode;
            throw response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? new RevertException(RevertFailure.Unauthorized, $"{Name} refused {method} {path}: {code} {response.ReasonPhrase}. The job's access token " +
                    "(System.AccessToken) needs Contribute and Contribute to pull requests on the repository.")
                : new RevertException(code is 429 or >= 500 ? RevertFailure.Unreachable : RevertFailure.Other,
                    $"{Name}: {method} {path} answered {code} {response.ReasonPhrase}: {detail}");
        }
    }
}
