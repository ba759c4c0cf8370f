using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.TestSupport;

/// <summary>One request the fake API received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">The path without a GitHub Enterprise Server <c>/api/v3</c> prefix.</param>
/// <param name="Body">The request body.</param>
/// <param name="Status">The status code answered.</param>
/// <param name="RawPath">The path as sent.</param>
public sealed record RecordedRequest(string Method, string Path, string Body, int Status, string RawPath)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// A local stand-in for the GitHub REST API (Kestrel on 127.0.0.1): deployments and their statuses, issue
/// comments (kept, so a second run finds the first run's comment), commit statuses, the pull requests of a commit, and
/// pull requests (listed by state, head and base; created; updated), kept so that a second run finds what the first
/// made. Records every request and can answer chosen ones with errors first.
/// </summary>
public sealed class FakeGitHubApi : IAsyncDisposable
{
    private LocalHttpServer _server = null!;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<long, List<JsonObject>> _comments = [];
    private readonly List<JsonObject> _pulls = [];
    private int _nextPullNumber = 100;
    private long _nextId = 1000;

    private FakeGitHubApi()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Pull requests that <c>GET /repos/o/r/commits/{sha}/pulls</c> answers with.</summary>
    public List<(int Number, string State)> PullsOfCommit { get; } = [];

    /// <summary>Adds a pull request as GitHub holds it; a merged one (<paramref name="mergeCommitSha"/> given) is what
    /// <c>GET /repos/o/r/commits/{sha}/pulls</c> answers for that commit.</summary>
    public void AddPullRequest(int number, string title, string head, string baseRef, string? mergeCommitSha, string state = "closed")
    {
        lock (_comments)
        {
            _pulls.Add(PullJson(number, title, "", head, baseRef, state, mergeCommitSha));
        }
    }

    /// <summary>The pull requests as the fake stores them now (created ones included).</summary>
    public IReadOnlyList<JsonObject> PullRequests
    {
        get
        {
            lock (_comments)
            {
                return [.. _pulls.Select(p => (JsonObject)p.DeepClone())];
            }
        }
    }

    /// <summary>Starts the server; <paramref name="time"/> is the clock of the stop's grace (null = <see cref="TimeProvider.System"/>).</summary>
    public static async Task<FakeGitHubApi> StartAsync(TimeProvider? time = null)
    {
        var api = new FakeGitHubApi();
        api._server = await LocalHttpServer.StartAsync(api.HandleAsync, time);
        api.BaseAddress = api._server.BaseAddress;
        return api;
    }

    /// <summary>Answers the next <paramref name="times"/> matching requests (-1: all) with <paramref name="status"/>.</summary>
    public void Fail(string method, string pathPattern, int status, int times, string? retryAfter = null)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, new Regex(pathPattern), status, times, retryAfter));
        }
    }

    /// <summary>The next <paramref name="times"/> matching requests are served (a comment is stored, say) and then answered
    /// <paramref name="status"/>, or, with <paramref name="delay"/>, answered only after it (past a client's timeout): what
    /// a client sees when GitHub stored its create but the answer was lost.</summary>
    public void StoreThenFail(string method, string pathPattern, int status, int times, TimeSpan? delay = null)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, new Regex(pathPattern), status, times, null) { AfterStoring = true, Delay = delay });
        }
    }

    public IReadOnlyList<RecordedRequest> Matching(string method, string pathPattern) =>
        [.. Requests.Where(r => r.Method == method && Regex.IsMatch(r.Path, pathPattern))];

    /// <summary>Stops at once: a request still under way (a run killed half-way through a call) is aborted after half a
    /// second on the server's clock instead of holding the test for Kestrel's 30 s of graceful shutdown.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var method = http.Request.Method;
        var rawPath = http.Request.Path.Value ?? "";
        var path = rawPath.StartsWith("/api/v3/", StringComparison.Ordinal) ? rawPath["/api/v3".Length..] : rawPath;
        var (status, response, headers, delay) = Answer(method, path, http.Request.Query, body);
        _requests.Enqueue(new RecordedRequest(method, path, body, status, rawPath));
        if (delay is { } wait)
        {
            try
            {
                await Task.Delay(wait, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up waiting, as it was meant to
            }
        }

        http.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            http.Response.Headers[name] = value;
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(response);
    }

    private (int Status, string Body, IReadOnlyList<(string, string)> Headers, TimeSpan? Delay) Answer(string method, string path, IQueryCollection query, string body)
    {
        Fault? fault;
        lock (_faults)
        {
            fault = _faults.FirstOrDefault(f => f.Method == method && f.Path.IsMatch(path) && f.Times != 0);
            if (fault is not null && fault.Times > 0)
            {
                fault.Times--;
            }
        }

        if (fault is { AfterStoring: false })
        {
            var headers = fault.RetryAfter is null ? new List<(string, string)>() : [("Retry-After", fault.RetryAfter)];
            return (fault.Status, $$"""{"message":"injected {{fault.Status}}"}""", headers, null);
        }

        var (status, response, served) = Serve(method, path, query, body);
        return fault is null
            ? (status, response, served, null)
            : fault.Delay is { } delay ? (status, response, served, delay) : (fault.Status, $$"""{"message":"injected {{fault.Status}} after storing"}""", [], null);
    }

    private (int Status, string Body, IReadOnlyList<(string, string)> Headers) Serve(string method, string path, IQueryCollection query, string body)
    {
        lock (_comments)
        {
            var id = Interlocked.Increment(ref _nextId);
            var json = body.Length > 0 ? JsonNode.Parse(body)!.AsObject() : [];
            Match m;
            if (method == "POST" && (m = Regex.Match(path, @"^/repos/[^/]+/[^/]+/deployments$")).Success)
            {
                json["id"] = id;
                return (201, json.ToJsonString(), []);
            }

            if (method == "POST" && Regex.IsMatch(path, @"^/repos/[^/]+/[^/]+/deployments/\d+/statuses$"))
            {
                json["id"] = id;
                return (201, json.ToJsonString(), []);
            }

            if (method == "POST" && Regex.IsMatch(path, @"^/repos/[^/]+/[^/]+/statuses/\w+$"))
            {
                json["id"] = id;
                return (201, json.ToJsonString(), []);
            }

            if ((m = Regex.Match(path, @"^/repos/[^/]+/[^/]+/issues/(\d+)/comments$")).Success)
            {
                var issue = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                if (!_comments.TryGetValue(issue, out var list))
                {
                    _comments[issue] = list = [];
                }

                if (method == "GET")
                {
                    return (200, new JsonArray([.. list.Select(c => (JsonNode)c.DeepClone())]).ToJsonString(), []);
                }

                if (method == "POST")
                {
                    var comment = new JsonObject { ["id"] = id, ["body"] = json["body"]?.GetValue<string>(), ["user"] = new JsonObject { ["login"] = "github-actions[bot]" } };
                    list.Add(comment);
                    return (201, comment.ToJsonString(), []);
                }
            }

            if (method == "PATCH" && (m = Regex.Match(path, @"^/repos/[^/]+/[^/]+/issues/comments/(\d+)$")).Success)
            {
                var commentId = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var comment = _comments.Values.SelectMany(c => c).FirstOrDefault(c => c["id"]!.GetValue<long>() == commentId);
                if (comment is null)
                {
                    return (404, """{"message":"Not Found"}""", []);
                }

                comment["body"] = json["body"]?.GetValue<string>();
                return (200, comment.ToJsonString(), []);
            }

            if (method == "GET" && (m = Regex.Match(path, @"^/repos/[^/]+/[^/]+/commits/(\w+)/pulls$")).Success)
            {
                var sha = m.Groups[1].Value;
                var listed = new JsonArray([.. PullsOfCommit.Select(p => (JsonNode)new JsonObject { ["number"] = p.Number, ["state"] = p.State })]);
                foreach (var pull in _pulls.Where(p => (string?)p["merge_commit_sha"] is { } merged && merged.StartsWith(sha, StringComparison.OrdinalIgnoreCase)))
                {
                    listed.Add(pull.DeepClone());
                }

                return (200, listed.ToJsonString(), []);
            }

            if ((m = Regex.Match(path, @"^/repos/([^/]+)/([^/]+)/pulls$")).Success)
            {
                var owner = m.Groups[1].Value;
                if (method == "GET")
                {
                    string? state = query["state"].FirstOrDefault() ?? "open", head = query["head"].FirstOrDefault(), baseRef = query["base"].FirstOrDefault();
                    var found = _pulls.Where(p => state == "all" || (string?)p["state"] == state)
                        .Where(p => head is null || $"{owner}:{p["head"]!["ref"]}" == head)
                        .Where(p => baseRef is null || (string?)p["base"]!["ref"] == baseRef);
                    return (200, new JsonArray([.. found.Select(p => p.DeepClone())]).ToJsonString(), []);
                }

                if (method == "POST")
                {
                    var (head, baseRef) = ((string?)json["head"] ?? "", (string?)json["base"] ?? "");
                    if (_pulls.Any(p => (string?)p["state"] == "open" && (string?)p["head"]!["ref"] == head && (string?)p["base"]!["ref"] == baseRef))
                    {
                        return (422, $$"""{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for {{owner}}:{{head}}."}]}""", []);
                    }

                    var pull = PullJson(Interlocked.Increment(ref _nextPullNumber), (string?)json["title"] ?? "", (string?)json["body"] ?? "", head, baseRef, "open", null);
                    _pulls.Add(pull);
                    return (201, pull.ToJsonString(), []);
                }
            }

            if (method == "PATCH" && (m = Regex.Match(path, @"^/repos/[^/]+/[^/]+/pulls/(\d+)$")).Success)
            {
                var pull = _pulls.FirstOrDefault(p => (int?)p["number"] == int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                if (pull is null)
                {
                    return (404, """{"message":"Not Found"}""", []);
                }

                foreach (var field in new[] { "title", "body", "state" })
                {
                    if (json[field] is { } value)
                    {
                        pull[field] = value.DeepClone();
                    }
                }

                return (200, pull.ToJsonString(), []);
            }

            return (404, """{"message":"Not Found"}""", []);
        }
    }

    private JsonObject PullJson(int number, string title, string body, string head, string baseRef, string state, string? mergeCommitSha) => new()
    {
        ["id"] = number * 10,
        ["number"] = number,
        ["title"] = title,
        ["body"] = body,
        ["state"] = state,
        ["html_url"] = new Uri(BaseAddress, $"acme/shop/pull/{number.ToString(CultureInfo.InvariantCulture)}").AbsoluteUri,
        ["head"] = new JsonObject { ["ref"] = head, ["label"] = "acme:" + head },
        ["base"] = new JsonObject { ["ref"] = baseRef, ["label"] = "acme:" + baseRef },
        ["merge_commit_sha"] = mergeCommitSha,
        ["merged_at"] = mergeCommitSha is null ? null : "2026-01-01T00:00:00Z",
    };

    /// <summary>Comments on an issue as the fake stores them now.</summary>
    public IReadOnlyList<string> Comments(long issue)
    {
        lock (_comments)
        {
            return _comments.TryGetValue(issue, out var list) ? [.. list.Select(c => c["body"]?.GetValue<string>() ?? "")] : [];
        }
    }

    private sealed class Fault(string method, Regex path, int status, int times, string? retryAfter)
    {
        public string Method { get; } = method;

        public Regex Path { get; } = path;

        public int Status { get; } = status;

        public int Times { get; set; } = times;

        public string? RetryAfter { get; } = retryAfter;

        public bool AfterStoring { get; init; }

        public TimeSpan? Delay { get; init; }
    }
}
