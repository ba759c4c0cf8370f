using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelmSentinel.TestSupport;

/// <summary>
/// A Kestrel server on 127.0.0.1 and a free port, answering every request with one handler: the start-up and the stop
/// the test servers (the GitHub and Azure DevOps fakes, test apps, metrics endpoints) share.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;

    private LocalHttpServer(WebApplication app, Uri baseAddress, TimeProvider time)
    {
        _app = app;
        BaseAddress = baseAddress;
        _time = time;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>Starts serving every request with <paramref name="handler"/>; <paramref name="time"/> is the clock of the
    /// stop's grace (null = <see cref="TimeProvider.System"/>).</summary>
    public static async Task<LocalHttpServer> StartAsync(RequestDelegate handler, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalHttpServer(app, new Uri(address.TrimEnd('/') + "/"), time ?? TimeProvider.System);
    }

    /// <summary>Stops at once: a request still under way (a run killed half-way through a call, a slow answer) is aborted
    /// after half a second on the server's clock instead of holding the test for Kestrel's 30 s of graceful shutdown.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(500), _time);
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
