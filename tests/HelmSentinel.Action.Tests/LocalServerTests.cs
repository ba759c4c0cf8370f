using System.Net.Sockets;
using System.Text;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>The local GitHub and Azure DevOps servers stop after a short grace on their clock, even with a request still
/// coming in (a run killed half-way through a call): the request is aborted instead of waited for, as Kestrel's graceful
/// shutdown would for 30 s.</summary>
public sealed class LocalServerTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task TheGitHubApi_AbortsARequestHalfSent_OnceTheGraceIsOver()
    {
        var clock = new ManualClock();
        var api = await FakeGitHubApi.StartAsync(clock);
        using var client = await HalfSentRequestAsync(api.BaseAddress, "/repos/acme/shop/deployments");

        await AssertTheGraceEndsTheStopAsync(api.DisposeAsync, clock, client);
    }

    [Fact]
    public async Task TheAzureDevOpsServer_AbortsARequestHalfSent_OnceTheGraceIsOver()
    {
        var clock = new ManualClock();
        var server = await FakeAzureDevOps.StartAsync(clock);
        using var client = await HalfSentRequestAsync(server.CollectionUri, "/org/p/_apis/git/repositories/r/pullRequests/1/threads?api-version=7.1");

        await AssertTheGraceEndsTheStopAsync(server.DisposeAsync, clock, client);
    }

    // A POST whose body never arrives. It asks for "100 Continue", which Kestrel sends when the handler starts reading
    // the body: once it is read, the handler is waiting for the body.
    private static async Task<TcpClient> HalfSentRequestAsync(Uri server, string path)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        (await ReadHeadAsync(client.GetStream())).Should().StartWith("HTTP/1.1 100 Continue");
        return client;
    }

    private static async Task AssertTheGraceEndsTheStopAsync(Func<ValueTask> dispose, ManualClock clock, TcpClient client)
    {
        var stopping = dispose().AsTask();

        stopping.IsCompleted.Should().BeFalse("the stop waits for the request under way while the grace lasts");
        clock.Advance(Grace);

        // The patience is only there so a stop that ignores the grace fails here instead of after Kestrel's own 30 s.
        await Eventually.WaitUntilAsync(() => stopping.IsCompleted, "the stop ended once the grace was over", TimeSpan.FromSeconds(10));
        await stopping;
        (await ReadRestAsync(client.GetStream())).Should().BeEmpty("the request was aborted, not answered");
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }

    // What the server sent after the 100 Continue, up to the connection's end (an abort may end it with a reset).
    private static async Task<string> ReadRestAsync(NetworkStream stream)
    {
        using var rest = new MemoryStream();
        try
        {
            await stream.CopyToAsync(rest);
        }
        catch (IOException)
        {
        }

        return Encoding.ASCII.GetString(rest.ToArray());
    }
}
