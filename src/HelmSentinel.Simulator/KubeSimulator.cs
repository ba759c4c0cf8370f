using System.Globalization;
using System.Net;
using HelmSentinel.Simulator.Api;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Controllers;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HelmSentinel.Simulator;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 (plain HTTP, no auth) that the real helm and kubectl
/// binaries can drive: discovery, OpenAPI v3, CRUD, patch (strategic, merge, JSON, server-side apply),
/// watch, Tables, pod logs, the service and pod proxy answered by simulated apps, with simulated controllers making workloads
/// roll out, and injected faults.
/// </summary>
public sealed class KubeSimulator : IAsyncDisposable
{
    /// <summary>How long requests still being served may take to finish when the simulator stops; then their
    /// connections are dropped.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(500);

    private readonly WebApplication _app;
    private readonly ApiRouter _router;
    private readonly CancellationTokenSource _stopping;
    private readonly ResourceHandler _handler;
    private readonly ServedVersions _versions;
    private readonly string? _token;
    private int _disposed;

    private KubeSimulator(WebApplication app, ApiRouter router, ResourceHandler handler, ServedVersions versions, CancellationTokenSource stopping, ObjectStore store, ClusterControllers controllers, FaultSet faults, Uri baseAddress, string? token)
    {
        _token = token;
        _app = app;
        _handler = handler;
        _versions = versions;
        _router = router;
        _stopping = stopping;
        Store = store;
        Controllers = controllers;
        Faults = faults;
        BaseAddress = baseAddress;
    }

    /// <summary>The server address, <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The object database behind the API.</summary>
    public ObjectStore Store { get; }

    /// <summary>The simulated cluster controllers (deployments, replica sets, pods, nodes...).</summary>
    public ClusterControllers Controllers { get; }

    /// <summary>The injected faults (the cluster file's, those added through <c>/_sim/faults</c>, and a test's): add,
    /// remove, clear, and read how often each fired.</summary>
    public FaultSet Faults { get; }

    /// <summary>Watch streams open now in namespace <paramref name="ns"/> (null: cluster-scoped and all-namespace
    /// watches): a client that stopped watching, or dropped its connection, is no longer counted.</summary>
    public int OpenWatches(string? ns) => _handler.OpenWatches(ns);

    /// <summary>The group-versions (<c>batch/v1</c>, <c>apps/v1</c>, <c>v1</c>) left out of discovery and the API now: the cluster
    /// file's <c>unservedApiVersions</c> and those <see cref="Unserve"/> added.</summary>
    public IReadOnlyList<string> UnservedApiVersions => _versions.Unserved;

    /// <summary>
    /// Stops serving <paramref name="groupVersion"/>, as a cluster upgraded past it would: it leaves <c>/api</c>, <c>/apis</c>
    /// and OpenAPI, and requests to its resources are 404 <c>the server could not find the requested resource</c>. Its objects
    /// stay (the controllers keep running them) and come back with <see cref="Serve"/>. Throws <see cref="ArgumentException"/>
    /// for a group-version the simulator never serves.
    /// </summary>
    public void Unserve(string groupVersion) => _versions.Unserve(groupVersion);

    /// <summary>Serves <paramref name="groupVersion"/> again after <see cref="Unserve"/> or the cluster file left it out.</summary>
    public void Serve(string groupVersion) => _versions.Serve(groupVersion);

    /// <summary>Every request served so far as "METHOD path?query" (the last 10 000), oldest first.</summary>
    public IReadOnlyList<string> RequestLog => _router.Requests;

    /// <summary>Starts the store, the controllers and the HTTP server.</summary>
    public static async Task<KubeSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SimulatorOptions();
        var time = options.Time ?? TimeProvider.System;
        var cluster = options.Cluster ?? ClusterConfig.Default;
        var faults = new FaultSet(time);
        foreach (var rule in cluster.Faults)
        {
            faults.Add(rule);
        }

        var store = new ObjectStore(time);
        var controllers = new ClusterControllers(store, cluster, time);
        controllers.Start();
        foreach (var ns in new[] { "default", "kube-system" })
        {
            if (store.Get(ResourceTypes.Namespaces, null, ns) is null)
            {
                store.Create(ResourceTypes.Namespaces, null, new() { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } });
            }
        }

        var stopping = new CancellationTokenSource();
        var handler = new ResourceHandler(store, time, (ns, pod) => controllers.FindPodLog(ns, pod) is { } read ? new PodLogReader(read) : null);
        var proxies = new ProxyHandler(store, controllers.ServeHttpAsync);
        var versions = new ServedVersions(store.Types, cluster.UnservedApiVersions);
        var router = new ApiRouter(handler, proxies, faults, versions, store.Types, time, options.RequestLog, options.BearerToken, stopping.Token);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();

        // A library server must not take the process's signals: the host's default console lifetime swallows SIGTERM
        // and SIGINT to stop only itself, which left `helm-sentinel simulator` running after `kill`.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownGrace);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(router.HandleAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            await controllers.DisposeAsync();
            handler.Dispose();
            stopping.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return new KubeSimulator(app, router, handler, versions, stopping, store, controllers, faults, baseAddress, options.BearerToken);
    }

    /// <summary>A kubeconfig for this server (plain HTTP; the <see cref="SimulatorOptions.BearerToken"/> when one was set).</summary>
    public string KubeconfigYaml(string contextName = "simulator", string defaultNamespace = "default") =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {contextName}
          cluster:
            server: {BaseAddress.ToString().TrimEnd('/')}
        users:
        - name: {contextName}
          user: {(_token is null ? "{}" : "{token: " + _token + "}")}
        contexts:
        - name: {contextName}
          context:
            cluster: {contextName}
            user: {contextName}
            namespace: {defaultNamespace}
        current-context: {contextName}
        preferences: {"{}"}

        """;

    /// <summary>Writes <see cref="KubeconfigYaml"/> to <paramref name="path"/> and returns the path.</summary>
    public string WriteKubeconfig(string path, string contextName = "simulator", string defaultNamespace = "default")
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, KubeconfigYaml(contextName, defaultNamespace));
        return path;
    }

    /// <summary>Ends open watches and delayed requests, stops the server (a request still running after half a
    /// second is dropped) and the controllers. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        using (var grace = new CancellationTokenSource(ShutdownGrace))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        await Controllers.DisposeAsync();
        _handler.Dispose();
        _stopping.Dispose();
    }

    /// <summary>A host lifetime that ignores the console and the process's signals: whoever started the simulator
    /// stops it by disposing it.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
