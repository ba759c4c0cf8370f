using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.TestSupport;

/// <summary>
/// A local Azure DevOps REST server (Kestrel on 127.0.0.1) with the pull-request calls the task makes:
/// threads (list, create, update comment, update status) and statuses (create), api-version 7.1. It keeps the
/// threads in memory, records every request, checks the bearer token, and can fail the first calls.
/// </summary>
public sealed partial class FakeAzureDevOps : IAsyncDisposable
{
    private LocalHttpServer _server = null!;
    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly List<JsonObject> _threads = [];
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
        lock (_gate)
        {
            answer = (http.Request.Method, rest) switch
            {
                ("GET", "threads") => new JsonObject { ["value"] = new JsonArray([.. _threads.Select(t => t.DeepClone())]), ["count"] = _threads.Count },
                ("POST", "threads") => CreateThread(json!),
                ("POST", "statuses") => json,
                ("PATCH", _) when ThreadPath().Match(rest) is { Success: true } m => UpdateThread(m, json!),
                _ => null,
            };
        }

        if (answer is null)
        {
            http.Response.StatusCode = 404;
            return;
        }

        if (http.Request.Method == "POST" && rest == "threads" && Interlocked.Decrement(ref _storedFailuresLeft) >= 0)
        {
            http.Response.StatusCode = (int)StoredFailureStatus;
            await http.Response.WriteAsync("{\"message\":\"stored, then the answer was lost\"}");
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject CreateThread(JsonObject request)
    {
        var thread = (JsonObject)request.DeepClone();
        thread["id"] = _threads.Count + 1;
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

    [GeneratedRegex("^/org/(?<project>[^/]+)/_apis/git/repositories/(?<repo>[^/]+)/pullRequests/(?<pr>[0-9]+)/(?<rest>.+)$")]
    private static partial Regex Route();

    [GeneratedRegex("^threads/(?<thread>[0-9]+)(/comments/(?<comment>[0-9]+))?$")]
    private static partial Regex ThreadPath();
}
