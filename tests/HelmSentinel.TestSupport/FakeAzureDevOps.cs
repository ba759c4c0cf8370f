using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.TestSupport;

/// <summary>
/// A local Azure DevOps REST server (Kestrel on 127.0.0.1) with the pull-request calls the task and the revert make:
/// threads (list, create, update comment, update status), statuses (create), pull requests (query by commit, list by
/// source and target branch and status, create, update) , api-version 7.1. It keeps the threads and pull requests in
/// memory, records every request, checks the bearer token, and can fail the first calls.
/// </summary>
public sealed partial class FakeAzureDevOps : IAsyncDisposable
{
    private LocalHttpServer _server = null!;
    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly List<JsonObject> _threads = [];
    private readonly Dictionary<int, int> _threadPullRequest = [];
    private readonly List<JsonObject> _pulls = [];
    private int _nextPullRequestId = 200;
    private readonly Lock _gate = new();
    private int _failuresLeft;
    private int _storedFailuresLeft;

    private FakeAzureDevOps()
    {
    }

    public sealed record Recorded(string Method, string Path, string? Authorization, string Body)
    {
        public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
    }

    /// <summary><c>http://127.0.0.1:PORT/org/</c>: the value of <c>SYSTEM_COLLECTIONURI</c>.</summary>
    public Uri CollectionUri { get; private set; } = null!;

    /// <summary>The token the server accepts (<c>Bearer</c>); any other answers 401.</summary>
    public string Token { get; init; } = "ado-system-token-" + Guid.NewGuid().ToString("N");

    /// <summary>Every request, oldest first.</summary>
    public IReadOnlyList<Recorded> Requests => [.. _requests];

    /// <summary>The threads of the pull request as stored.</summary>
    public IReadOnlyList<JsonObject> Threads
    {
        get
        {
            lock (_gate)
            {
                return [.. _threads.Select(t => (JsonObject)t.DeepClone())];
            }
        }
    }

    /// <summary>The pull requests as stored (added and created ones).</summary>
    public IReadOnlyList<JsonObject> PullRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _pulls.Select(p => (JsonObject)p.DeepClone())];
            }
        }
    }

    /// <summary>The threads of pull request <paramref name="pullRequestId"/> as stored.</summary>
    public IReadOnlyList<JsonObject> ThreadsOf(int pullRequestId)
    {
        lock (_gate)
        {
            return [.. _threads.Where(t => _threadPullRequest.GetValueOrDefault((int)t["id"]!) == pullRequestId).Select(t => (JsonObject)t.DeepClone())];
        }
    }

    /// <summary>Adds a completed pull request whose merge (or squash) commit is <paramref name="lastMergeCommit"/>.</summary>
    public void AddCompletedPullRequest(int id, string title, string sourceBranch, string targetBranch, string lastMergeCommit)
    {
        lock (_gate)
        {
            _pulls.Add(new JsonObject
            {
                ["pullRequestId"] = id,
                ["title"] = title,
                ["description"] = "",
                ["status"] = "completed",
                ["sourceRefName"] = "refs/heads/" + sourceBranch,
                ["targetRefName"] = "refs/heads/" + targetBranch,
                ["lastMergeCommit"] = new JsonObject { ["commitId"] = lastMergeCommit },
            });
        }
    }

    /// <summary>The states of the statuses posted, in order, as <c>name:state</c>.</summary>
    public IReadOnlyList<string> StatusSequence => [.. Requests.Where(r => r.Path.EndsWith("/statuses", StringComparison.Ordinal))
        .Select(r => $"{r.Json?["context"]?["name"]}:{r.Json?["state"]}")];

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/>.</summary>
    public void FailNext(int count, HttpStatusCode status = HttpStatusCode.ServiceUnavailable, int? retryAfterSeconds = null)
    {
        FailureStatus = status;
        RetryAfterSeconds = retryAfterSeconds;
        Interlocked.Exchange(ref _failuresLeft, count);
    }

    /// <summary>The next <paramref name="count"/> thread creates are stored and then answered <paramref name="status"/>: what
    /// the task sees when Azure DevOps stored the thread but the answer was lost.</summary>
    public void FailCreatesAfterStoring(int count, HttpStatusCode status = HttpStatusCode.BadGateway)
    {
        StoredFailureStatus = status;
        Interlocked.Exchange(ref _storedFailuresLeft, count);
    }

    private HttpStatusCode StoredFailureStatus { get; set; } = HttpStatusCode.BadGateway;

    private HttpStatusCode FailureStatus { get; set; } = HttpStatusCode.ServiceUnavailable;

    private int? RetryAfterSeconds { get; set; }

    /// <summary>Starts the server; <paramref name="time"/> is the clock of the stop's grace (null = <see cref="TimeProvider.System"/>).</summary>
    public static async Task<FakeAzureDevOps> StartAsync(TimeProvider? time = null)
    {
        var server = new FakeAzureDevOps();
        server._server = await LocalHttpServer.StartAsync(server.HandleAsync, time);
        server.CollectionUri = new Uri(server._server.BaseAddress, "org/");
        return server;
    }

    /// <summary>Stops at once: a request still under way (a run killed half-way through a call) is aborted after half a
    /// second on the server's clock instead of holding the test for Kestrel's 30 s of graceful shutdown.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = http.Request.Path.Value ?? "";
        _requests.Enqueue(new Recorded(http.Request.Method, path, http.Request.Headers.Authorization.ToString(), body));

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            http.Response.StatusCode = (int)FailureStatus;
            if (RetryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await http.Response.WriteAsync("{\"message\":\"simulated failure\"}");
            return;
        }

        if (http.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            http.Response.StatusCode = 401;
            return;
        }

        if (http.Request.Query["api-version"] != "7.1")
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync("{\"message\":\"api-version 7.1 expected\"}");
            return;
        }

        var match = Route().Match(path);
        if (!match.Success)
        {
            http.Response.StatusCode = 404;
            return;
        }

        var rest = match.Groups["rest"].Value;
        var json = body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        JsonNode? answer;
        try
        {
            answer = Answer(http.Request.Method, rest, http.Request.Query, json);
        }
        catch (BadRequest e)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync(new JsonObject { ["message"] = e.Message }.ToJsonString());
            return;
        }

        if (answer is null)
        {
            http.Response.StatusCode = 404;
            return;
        }

        if (http.Request.Method == "POST" && rest.EndsWith("/threads", StringComparison.Ordinal) && Interlocked.Decrement(ref _storedFailuresLeft) >= 0)
        {
            http.Response.StatusCode = (int)StoredFailureStatus;
            await http.Response.WriteAsync("{\"message\":\"stored, then the answer was lost\"}");
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonNode? Answer(string method, string rest, IQueryCollection query, JsonObject? json)
    {
        lock (_gate)
        {
            if (PullRequestPath().Match(rest) is { Success: true } pr)
            {
                var id = int.Parse(pr.Groups["pr"].Value, CultureInfo.InvariantCulture);
                var sub = pr.Groups["rest"].Value;
                return (method, sub) switch
                {
                    ("GET", "threads") => ListThreads(id),
                    ("POST", "threads") => CreateThread(id, json!),
                    ("POST", "statuses") => json,
                    ("PATCH", "") => UpdatePullRequest(id, json!),
                    ("PATCH", _) when ThreadPath().Match(sub) is { Success: true } m => UpdateThread(m, json!),
                    _ => null,
                };
            }
            else
            {
                return (method, rest.ToLowerInvariant()) switch
                {
                    ("POST", "pullrequestquery") => QueryPullRequests(json!),
                    ("GET", "pullrequests") => ListPullRequests(query),
                    ("POST", "pullrequests") => CreatePullRequest(json!),
                    _ => null,
                };
            }
        }
    }

    private JsonObject ListThreads(int pullRequestId)
    {
        var threads = _threads.Where(t => _threadPullRequest.GetValueOrDefault((int)t["id"]!) == pullRequestId).ToList();
        return new JsonObject { ["value"] = new JsonArray([.. threads.Select(t => t.DeepClone())]), ["count"] = threads.Count };
    }

    private JsonObject? UpdatePullRequest(int id, JsonObject request)
    {
        var pull = _pulls.FirstOrDefault(p => (int?)p["pullRequestId"] == id);
        if (pull is null)
        {
            return null;
        }

        foreach (var field in new[] { "title", "description", "status" })
        {
            if (request[field] is { } value)
            {
                pull[field] = value.DeepClone();
            }
        }

        return (JsonObject)pull.DeepClone();
    }

    private JsonObject QueryPullRequests(JsonObject request)
    {
        var results = new JsonArray();
        foreach (var query in (request["queries"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var result = new JsonObject();
            foreach (var item in (query["items"] as JsonArray ?? []).Select(i => (string?)i ?? ""))
            {
                // Only lastMergeCommit is served: the fake knows no commits of a pull request besides its merge commit.
                var found = (string?)query["type"] == "lastMergeCommit"
                    ? _pulls.Where(p => string.Equals((string?)p["lastMergeCommit"]?["commitId"], item, StringComparison.OrdinalIgnoreCase))
                    : [];
                result[item] = new JsonArray([.. found.Select(p => p.DeepClone())]);
            }

            results.Add(result);
        }

        return new JsonObject { ["queries"] = request["queries"]?.DeepClone(), ["results"] = results };
    }

    private JsonObject ListPullRequests(IQueryCollection query)
    {
        string? status = query["searchCriteria.status"].FirstOrDefault() ?? "active", source = query["searchCriteria.sourceRefName"].FirstOrDefault(),
            target = query["searchCriteria.targetRefName"].FirstOrDefault();
        var found = _pulls.Where(p => status == "all" || (string?)p["status"] == status)
            .Where(p => source is null || (string?)p["sourceRefName"] == source)
            .Where(p => target is null || (string?)p["targetRefName"] == target)
            .Select(p =>
            {
                // As the real list does: descriptions are cut to 400 characters.
                var copy = (JsonObject)p.DeepClone();
                if ((string?)copy["description"] is { Length: > 400 } description)
                {
                    copy["description"] = description[..400];
                }

                return (JsonNode)copy;
            })
            .ToList();
        return new JsonObject { ["value"] = new JsonArray([.. found]), ["count"] = found.Count };
    }

    private JsonObject CreatePullRequest(JsonObject request)
    {
        var description = (string?)request["description"] ?? "";
        if (description.Length > 4000)
        {
            throw new BadRequest("Invalid argument value.\r\nParameter name: A description for a pull request must not be longer than 4000 characters.");
        }

        var pull = (JsonObject)request.DeepClone();
        pull["pullRequestId"] = ++_nextPullRequestId;
        pull["status"] = "active";
        _pulls.Add(pull);
        return (JsonObject)pull.DeepClone();
    }

    private JsonObject CreateThread(int pullRequestId, JsonObject request)
    {
        var thread = (JsonObject)request.DeepClone();
        thread["id"] = _threads.Count + 1;
        _threadPullRequest[_threads.Count + 1] = pullRequestId;
        var id = 1;
        foreach (var comment in (thread["comments"] as JsonArray ?? []).OfType<JsonObject>())
        {
            comment["id"] = id++;
        }

        _threads.Add(thread);
        return (JsonObject)thread.DeepClone();
    }

    private JsonNode? UpdateThread(Match match, JsonObject request)
    {
        var thread = _threads.FirstOrDefault(t => (int?)t["id"] == int.Parse(match.Groups["thread"].Value, CultureInfo.InvariantCulture));
        if (thread is null)
        {
            return null;
        }

        if (match.Groups["comment"].Success)
        {
            var comment = (thread["comments"] as JsonArray)?.OfType<JsonObject>()
                .FirstOrDefault(c => (int?)c["id"] == int.Parse(match.Groups["comment"].Value, CultureInfo.InvariantCulture));
            if (comment is null)
            {
                return null;
            }

            comment["content"] = (string?)request["content"];
            return comment.DeepClone();
        }

        thread["status"] = (string?)request["status"];
        return thread.DeepClone();
    }

    [GeneratedRegex("^/org/(?<project>[^/]+)/_apis/git/repositories/(?<repo>[^/]+)/(?<rest>.+)$")]
    private static partial Regex Route();

    // Azure DevOps reads its paths without regard to case: the task writes pullRequests, the revert pullrequests.
    [GeneratedRegex("^pullrequests/(?<pr>[0-9]+)(/(?<rest>.+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex PullRequestPath();

    private sealed class BadRequest(string message) : Exception(message);

    [GeneratedRegex("^threads/(?<thread>[0-9]+)(/comments/(?<comment>[0-9]+))?$")]
    private static partial Regex ThreadPath();
}
