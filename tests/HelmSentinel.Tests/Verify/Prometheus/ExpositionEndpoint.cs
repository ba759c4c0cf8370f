using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HelmSentinel.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Tests.Verify.Prometheus;

/// <summary>
/// A metrics endpoint on 127.0.0.1 (Kestrel) that answers every path with a hand-written text exposition:
/// <c>http_requests_total</c> by <c>code</c> ("200", "500"), moved by the test, and <c>idle_requests_total</c> by
/// <c>code</c>, which stays 0. Records the path of every request.
/// </summary>
public sealed class ExpositionEndpoint : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal) { ["200"] = 0, ["500"] = 0 };
    private readonly ConcurrentQueue<string> _paths = new();
    private LocalHttpServer _server = null!;

    private ExpositionEndpoint()
    {
    }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The raw path of every request, oldest first.</summary>
    public IReadOnlyList<string> Paths => [.. _paths];

    public static async Task<ExpositionEndpoint> StartAsync()
    {
        var endpoint = new ExpositionEndpoint();
        endpoint._server = await LocalHttpServer.StartAsync(endpoint.ServeAsync);
        return endpoint;
    }

    /// <summary>The <c>http_requests_total{code}</c> counter now.</summary>
    public long Requests(string code) => _requests[code];

    /// <summary>Counts <paramref name="count"/> more requests answered <paramref name="code"/>.</summary>
    public void Count(string code, long count) => _requests.AddOrUpdate(code, count, (_, n) => n + count);

    /// <summary>The exposition as served (text format 0.0.4).</summary>
    public string Exposition()
    {
        var text = new StringBuilder()
            .Append("# HELP http_requests_total Requests answered, by status code.\n")
            .Append("# TYPE http_requests_total counter\n");
        foreach (var (code, count) in _requests.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"http_requests_total{{code=\"{code}\"}} {count}\n");
        }

        return text
            .Append("# HELP idle_requests_total Requests of a service nobody calls.\n")
            .Append("# TYPE idle_requests_total counter\n")
            .Append("idle_requests_total{code=\"200\"} 0\n")
            .Append("idle_requests_total{code=\"500\"} 0\n")
            .ToString();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(HttpContext http)
    {
        _paths.Enqueue(http.Request.Path.Value ?? "");
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await http.Response.WriteAsync(Exposition(), http.RequestAborted);
    }
}
