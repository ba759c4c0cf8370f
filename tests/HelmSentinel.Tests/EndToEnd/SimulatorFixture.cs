using System.Diagnostics;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>One simulated cluster per test class, with a kubeconfig and a private helm home.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private readonly IsolatedHome _home = new();

    public KubeSimulator Simulator { get; private set; } = null!;

    public string Kubeconfig { get; private set; } = "";

    public IReadOnlyDictionary<string, string?> Environment => _home.Environment.AsReadOnly();

    public async Task InitializeAsync()
    {
        Simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        Kubeconfig = Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        _home.Dispose();
    }

    /// <summary>An engine that runs the real helm with this fixture's private home, reading the history from the release
    /// Secrets as the entry points do (helm's driver here is <c>secret</c>).</summary>
    public DeployEngine Engine(RecordingLog log, TimeProvider? time = null) =>
        new(new CliWrapHelmProcess(Environment), log, time ?? TimeProvider.System, new HelmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200) })
        {
            ReadsReleaseSecrets = true,
        };

    /// <summary>A request for the fixture chart in its own namespace (created by helm).</summary>
    public DeployRequest Request(int major, string release, params string[] set) => new()
    {
        Release = release,
        Chart = Tools.Chart("fixture-web"),
        Namespace = release,
        CreateNamespace = true,
        Set = set,
        Kubeconfig = Kubeconfig,
        HelmPath = Tools.Helm(major),
        Timeout = TimeSpan.FromSeconds(15),
        RollbackTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Runs helm directly (for assertions and for scenarios the engine must recover from).</summary>
    public Task<HelmProcessResult> HelmAsync(int major, params string[] args) =>
        new CliWrapHelmProcess(Environment).RunAsync(new HelmInvocation(Tools.Helm(major), [.. args, "--kubeconfig", Kubeconfig]));

    /// <summary>Starts helm and leaves it running (a helm that holds the release's lock, to be killed).</summary>
    public Process StartHelm(int major, params string[] args)
    {
        var info = new ProcessStartInfo(Tools.Helm(major)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Append("--kubeconfig").Append(Kubeconfig))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    /// <summary>The status label of the release's newest storage Secret, as the cluster holds it now.</summary>
    public string? LatestReleaseStatus(string release) =>
        Simulator.Store.List(ResourceTypes.Secrets, release)
            .Where(s => s["metadata"]?["labels"]?["name"]?.GetValue<string>() == release)
            .OrderBy(s => int.Parse(s["metadata"]!["labels"]!["version"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            .Select(s => s["metadata"]!["labels"]!["status"]?.GetValue<string>())
            .LastOrDefault();
}
