using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
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
/// comments (kept, so a second run finds the first run's comment), commit statuses and the pull requests of a
/// commit. Records every request and can answer chosen ones with errors first.
/// </summary>
public sealed class FakeGitHubApi : IAsyncDisposable
{
    private LocalHttpServer _server = null!;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<long, List<JsonObject>> _comments = [];
    private long _nextId = 1000;

    private FakeGitHubApi()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Pull requests that <c>GET /repos/o/r/commits/{sha}/pulls</c> answers with.</summary>
    public List<(int Number, string State)> PullsOfCommit { get; } = [];

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
        var (status, response, headers, delay) = Answer(method, path, body);
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

    private (int Status, string Body, IReadOnlyList<(string, string)> Headers, TimeSpan? Delay) Answer(string method, string path, string body)
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

        var (status, response, served) = Serve(method, path, body);
        return fault is null
            ? (status, response, served, null)
            : fault.Delay is { } delay ? (status, response, served, delay) : (fault.Status, $$"""{"message":"injected {{fault.Status}} after storing"}""", [], null);
    }

    private (int Status, string Body, IReadOnlyList<(string, string)> Headers) Serve(string method, string path, string body)
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

            if (method == "GET" && Regex.IsMatch(path, @"^/repos/[^/]+/[^/]+/commits/\w+/pulls$"))
            {
                return (200, JsonSerializer.Serialize(PullsOfCommit.Select(p => new { number = p.Number, state = p.State })), []);
            }

            return (404, """{"message":"Not Found"}""", []);
        }
    }

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
