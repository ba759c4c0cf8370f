using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>The local GitHub and Azure DevOps servers stop promptly, even with a request still coming in (a run
/// killed half-way through a call), instead of waiting out Kestrel's graceful shutdown.</summary>
public sealed class LocalServerTests
{
    [Fact]
    public async Task TheGitHubApi_StopsPromptly_WithARequestHalfSent()
    {
        var api = await FakeGitHubApi.StartAsync();
        using var client = await HalfSentRequestAsync(api.BaseAddress, "/repos/acme/shop/deployments");

        await AssertStopsPromptlyAsync(api.DisposeAsync);
    }

    [Fact]
    public async Task TheAzureDevOpsServer_StopsPromptly_WithARequestHalfSent()
    {
        var server = await FakeAzureDevOps.StartAsync();
        using var client = await HalfSentRequestAsync(server.CollectionUri, "/org/p/_apis/git/repositories/r/pullRequests/1/threads?api-version=7.1");

        await AssertStopsPromptlyAsync(server.DisposeAsync);
    }

    // A POST whose body never arrives: the server's handler is waiting for it when the server is asked to stop.
    private static async Task<TcpClient> HalfSentRequestAsync(Uri server, string path)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        await Task.Delay(200);
        return client;
    }

    private static async Task AssertStopsPromptlyAsync(Func<ValueTask> dispose)
    {
        var clock = Stopwatch.StartNew();

        await dispose();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }
}
