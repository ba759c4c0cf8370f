using System.Collections.Concurrent;
using HelmSentinel.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Tests.Verify;

/// <summary>
/// An app on 127.0.0.1 (Kestrel) for the HTTP probe, answering by the last path segment: <c>healthz</c> 200 with a
/// JSON body, <c>broken</c> 500, <c>no-endpoints</c> the API server's own 503 (a Kubernetes <c>Status</c>),
/// <c>slow</c> after 30 s, <c>text</c> 200 in plain text. Records the method and raw target of every request.
/// </summary>
public sealed class HttpTestApp : IAsyncDisposable
{
    public const string Healthy = """{"status":"ok","latency":0.2,"checks":[{"ms":"12"}],"name":"web","ready":true}""";

    public const string NoEndpoints =
        """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no endpoints available for service \"web\"","reason":"ServiceUnavailable","code":503}""";

    private readonly ConcurrentQueue<string> _requests = new();
    private LocalHttpServer _server = null!;

    private HttpTestApp()
    {
    }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary><c>GET /healthz</c> for each request, oldest first.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<HttpTestApp> StartAsync()
    {
        var test = new HttpTestApp();
        test._server = await LocalHttpServer.StartAsync(test.ServeAsync);
        return test;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(HttpContext http)
    {
        var target = http.Request.Path.Value + http.Request.QueryString.Value;
        _requests.Enqueue(http.Request.Method + " " + target);
        var last = (http.Request.Path.Value ?? "").Split('/')[^1];
        var (status, type, body) = last switch
        {
            "healthz" => (200, "application/json", Healthy),
            "broken" => (500, "text/plain", "oops"),
            "no-endpoints" => (503, "application/json", NoEndpoints),
            "text" => (200, "text/plain", "all good"),
            _ => (404, "text/plain", "not found"),
        };
        if (last == "slow")
        {
            await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = type;
        await http.Response.WriteAsync(body, http.RequestAborted);
    }
}
