using System.Diagnostics;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Scenarios;

/// <summary>The outcome of one helm run.</summary>
public sealed record HelmResult(int ExitCode, string Output, string Error, TimeSpan Took)
{
    public override string ToString() => $"exit {ExitCode} after {Took.TotalSeconds:0.0}s\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>A simulator shared by one test class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public KubeSimulator Simulator { get; private set; } = null!;

    public async Task InitializeAsync() => Simulator = await KubeSimulator.StartAsync();

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>One helm major version against the simulator, with a private home and a <c>helm create</c> chart.</summary>
public sealed class HelmSession : IDisposable
{
    private readonly IsolatedHome _home = new();

    public HelmSession(KubeSimulator simulator, int major)
    {
        Simulator = simulator;
        Major = major;
        Binary = Tools.Helm(major);
        _home.Environment["KUBECONFIG"] = simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        Chart = Path.Combine(_home.Root, "app");
    }

    public KubeSimulator Simulator { get; }

    public int Major { get; }

    public string Binary { get; }

    /// <summary>Path of the chart made by <c>helm create app</c> (image nginx:1.16.0, probes on port http).</summary>
    public string Chart { get; }

    public async Task CreateChartAsync()
    {
        var r = await RunAsync("create", Chart);
        r.ExitCode.Should().Be(0, r.ToString());
    }

    /// <summary>The wait flags: Helm 3 <c>--wait</c>, Helm 4 <c>--wait=watcher</c>.</summary>
    public IEnumerable<string> WaitFlags => Major == 3 ? ["--wait"] : ["--wait=watcher"];

    /// <summary>The rollback-on-failure flag of this major version.</summary>
    public string AtomicFlag => Major == 3 ? "--atomic" : "--rollback-on-failure";

    public Task<HelmResult> InstallAsync(string release, params string[] extra) =>
        RunAsync(["upgrade", "--install", release, Chart, "--namespace", "default", .. WaitFlags, "--timeout", "60s", .. extra]);

    public Task<HelmResult> AtomicUpgradeAsync(string release, params string[] extra) =>
        RunAsync(["upgrade", "--install", release, Chart, "--namespace", "default", AtomicFlag, .. WaitFlags, "--timeout", "15s", .. extra]);

    public async Task<JsonArray?> HistoryAsync(string release)
    {
        var r = await RunAsync("history", release, "--namespace", "default", "-o", "json");
        return r.ExitCode == 0 ? JsonNode.Parse(r.Output)!.AsArray() : null;
    }

    public Task<HelmResult> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    public async Task<HelmResult> RunAsync(IEnumerable<string> arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(Binary, arguments, _home.Environment);
        return new HelmResult(result.ExitCode, result.StandardOutput, result.StandardError, clock.Elapsed);
    }

    /// <summary>Pods of a release's Deployment (label app.kubernetes.io/instance).</summary>
    public IReadOnlyList<JsonObject> Pods(string release) =>
        Simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]?["labels"]?["app.kubernetes.io/instance"]?.GetValue<string>() == release);

    /// <summary>Polls (real time) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string because, TimeSpan? within = null)
    {
        var end = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException("Condition not met: " + because);
            }

            await Task.Delay(100);
        }
    }

    public static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    public static string Image(JsonObject pod) => pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>();

    public void Dispose() => _home.Dispose();
}
