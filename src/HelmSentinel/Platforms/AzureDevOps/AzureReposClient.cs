using System.Net;
using System.Text.Json.Nodes;
using HelmSentinel.Resilience.AzureRepos;
using Polly;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// The few Azure Repos pull-request calls the task makes (REST api-version 7.1), with an <see cref="HttpClient"/>
/// through a Polly retry: list, create and update comment threads; create statuses.
/// </summary>
public sealed class AzureReposClient
{
    private const string ApiVersion = "api-version=7.1";

    /// <summary>The thread property that holds the report key, beside the hidden marker in the comment.</summary>
    public const string KeyProperty = "HelmSentinel.Key";

    private readonly HttpClient _http;
    private readonly AzurePullRequest _pullRequest;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly AzureRestRetryOptions _retry;
    private readonly TimeProvider _time;

    /// <summary>Creates a client for one pull request; <paramref name="http"/> is not disposed.</summary>
    /// <param name="http">Sends the requests.</param>
    /// <param name="pullRequest">The pull request.</param>
    /// <param name="retry">Attempts and waits; null = the defaults.</param>
    /// <param name="time">The clock the waits are measured on; null = the system clock.</param>
    public AzureReposClient(HttpClient http, AzurePullRequest pullRequest, AzureRestRetryOptions? retry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(pullRequest);
        _http = http;
        _pullRequest = pullRequest;
        _retry = retry ?? new AzureRestRetryOptions();
        _time = time ?? TimeProvider.System;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddAzureReposRetry(_retry, _time).Build();
    }

    /// <summary>The hidden first line that marks this tool's thread for <paramref name="key"/>.</summary>
    public static string Marker(string key) => $"<!-- helm-sentinel:{key} -->";

    /// <summary>Posts a PR status (genre <c>helm-sentinel</c>); a later status with the same name replaces it on the PR.</summary>
    /// <param name="state"><c>pending</c>, <c>succeeded</c>, <c>failed</c>, <c>error</c>…</param>
    /// <param name="name">The status name under the genre (the release).</param>
    /// <param name="description">One line shown beside the status.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public async Task PostStatusAsync(string state, string name, string description, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["state"] = state,
            ["description"] = description.Length > 250 ? description[..249] + "…" : description,
            ["context"] = new JsonObject { ["genre"] = "helm-sentinel", ["name"] = name },
        };
        if (_pullRequest.BuildUrl is { } url)
        {
            body["targetUrl"] = url;
        }

        await SendAsync(HttpMethod.Post, "statuses", body, cancellationToken);
    }

    /// <summary>Creates the thread for <paramref name="key"/>, or updates its first comment and status when a thread
    /// with that key exists. Returns the thread id and whether it was created.</summary>
    /// <param name="key">Identifies the thread among the PR's threads (release and environment).</param>
    /// <param name="content">The Markdown comment, without the marker.</param>
    /// <param name="resolved">True: the thread is <c>fixed</c>; false: <c>active</c>.</param>
    /// <param name="cancellationToken">Stops the calls.</param>
    public async Task<(int ThreadId, bool Created)> UpsertThreadAsync(string key, string content, bool resolved, CancellationToken cancellationToken = default)
    {
        var status = resolved ? "fixed" : "active";
        var text = Marker(key) + "\n" + content;

        // A create is never retried blindly: one that the server stored but answered with an error (or too late) would be
        // created twice. Each attempt lists the threads first, so a stored one is found by its key and updated instead.
        for (var attempt = 0; ; attempt++)
        {
            var threads = await SendAsync(HttpMethod.Get, "threads", null, cancellationToken);
            var existing = (threads?["value"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(t => IsOurs(t, key));
            if (existing is not null)
            {
                var threadId = (int?)existing["id"] ?? throw new AzureReposException("a thread without an id was listed");
                var commentId = (int?)(existing["comments"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["id"] ?? 1;
                await SendAsync(HttpMethod.Patch, $"threads/{threadId}/comments/{commentId}", new JsonObject { ["content"] = text }, cancellationToken);
                await SendAsync(HttpMethod.Patch, $"threads/{threadId}", new JsonObject { ["status"] = status }, cancellationToken);
                return (threadId, false);
            }

            try
            {
                var created = await SendAsync(HttpMethod.Post, "threads", new JsonObject
                {
                    ["comments"] = new JsonArray(new JsonObject { ["parentCommentId"] = 0, ["content"] = text, ["commentType"] = "text" }),
                    ["status"] = status,
                    ["properties"] = new JsonObject { [KeyProperty] = new JsonObject { ["$type"] = "System.String", ["$value"] = key } },
                }, cancellationToken, retry: false);
                return ((int?)created?["id"] ?? 0, true);
            }
            catch (Exception e) when (attempt < _retry.MaxRetries && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken);
            }
        }
    }

    private static bool IsOurs(JsonObject thread, string key)
    {
        if (thread["isDeleted"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            return false;
        }

        if (thread["properties"]?[KeyProperty] is JsonObject property && (string?)property["$value"] == key)
        {
            return true;
        }

        var first = (thread["comments"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return first?["content"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            && ((string?)first["content"] ?? "").StartsWith(Marker(key), StringComparison.Ordinal);
    }

    // A failure worth another attempt of a create: throttling, a server error, the network, a timeout.
    private static bool IsTransient(Exception e) => e switch
    {
        AzureReposException { StatusCode: { } code } => (int)code is 429 or >= 500,
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    private TimeSpan Backoff(int attempt)
    {
        var delay = _retry.BaseDelay * Math.Pow(2, attempt);
        return delay < _retry.MaxDelay ? delay : _retry.MaxDelay;
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, bool retry = true)
    {
        var uri = new Uri(_pullRequest.BaseUri, path + "?" + ApiVersion);
        var payload = body?.ToJsonString();
        var pipeline = retry ? _pipeline : ResiliencePipeline<HttpResponseMessage>.Empty;
        using var response = await pipeline.ExecuteAsync(async ct =>
        {
            using var request = JsonHttp.Request(method, uri, _pullRequest.AccessToken, payload);
            return await _http.SendAsync(request, ct);
        }, cancellationToken);

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = text.Length > 300 ? text[..300] + "…" : text;
            throw new AzureReposException($"{method} {path} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail.ReplaceLineEndings(" ")}"
                + (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? " (the build service identity needs 'Contribute to pull requests' on the repository)"
                    : string.Empty))
            {
                StatusCode = response.StatusCode,
            };
        }

        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
