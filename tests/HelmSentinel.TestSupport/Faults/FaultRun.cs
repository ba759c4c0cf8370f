using System.Diagnostics;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.TestSupport.Faults;

/// <summary>
/// One case of the fault matrix at one Helm major: its own release and namespace on a shared simulator, a private helm
/// home, the real helm, and what the case expects at the end. The case arms faults (at once, or when the cluster shows
/// a moment it waits for), runs the deploys, and says which exit code and which serving image an honest end has.
/// </summary>
public sealed class FaultRun : IDisposable
{
    /// <summary>The image of the healthy first revision.</summary>
    public const string GoodImage = "nginx:1.25.0";

    /// <summary>The image of a healthy upgrade.</summary>
    public const string NewImage = "nginx:1.26.0";

    /// <summary>The image of a broken (crash-looping) upgrade.</summary>
    public const string BrokenImage = "sim.local/crash:1.25.0";

    private readonly IsolatedHome _home = new();
    private readonly List<string> _log = [];

    internal FaultRun(KubeSimulator simulator, int major, string release)
    {
        Simulator = simulator;
        Major = major;
        Release = release;
        Kubeconfig = simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
    }

    /// <summary>The cluster.</summary>
    public KubeSimulator Simulator { get; }

    /// <summary>3 or 4.</summary>
    public int Major { get; }

    /// <summary>The release, and its namespace.</summary>
    public string Release { get; }

    /// <summary>The kubeconfig of the simulator.</summary>
    public string Kubeconfig { get; }

    /// <summary>The exit code an honest end has.</summary>
    public int ExpectedExit { get; set; }

    /// <summary>The image the release's Deployment must serve at the end.</summary>
    public string ExpectedImage { get; set; } = GoodImage;

    private readonly List<FaultRule> _faults = [];
    private readonly List<FaultCount> _fired = [];

    /// <summary>The case's faults and how often each fired, as they were when they were cleared.</summary>
    public IReadOnlyList<FaultCount> Fired => _fired;

    /// <summary>The last deploy's outcome.</summary>
    public DeployOutcome? Outcome { get; private set; }

    /// <summary>The live log of every deploy of the case.</summary>
    public IReadOnlyList<string> Log => _log;

    /// <summary>A deploy of the fixture chart (fixture-web) into the case's namespace.</summary>
    public DeployRequest Request(params string[] set) => new()
    {
        Release = Release,
        Chart = Tools.Chart("fixture-web"),
        Namespace = Release,
        CreateNamespace = true,
        Set = set,
        Kubeconfig = Kubeconfig,
        HelmPath = Tools.Helm(Major),
        Timeout = TimeSpan.FromSeconds(120),
        RollbackTimeout = TimeSpan.FromSeconds(60),
        UnschedulableGrace = TimeSpan.FromSeconds(2),
    };

    /// <summary>Runs a deploy with the real helm; retries outlast a 5 s outage (1, 2, 4, 8 s back-off).</summary>
    public async Task<DeployOutcome> DeployAsync(DeployRequest request, TimeProvider? time = null)
    {
        var engine = new DeployEngine(
            new CliWrapHelmProcess(_home.Environment.AsReadOnly()),
            new ListLog(_log),
            time ?? TimeProvider.System,
            new HelmRetryOptions { MaxRetries = 4, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = false })
        {
            ReadsReleaseSecrets = true, // as the entry points do: the history from the release Secrets, helm when they cannot be read
        };
        Outcome = await engine.DeployAsync(request);
        return Outcome;
    }

    /// <summary>Adds a fault confined to the case's namespace (unless it names another).</summary>
    public FaultRule Fault(FaultRule rule)
    {
        var added = Simulator.Faults.Add(rule.Namespace == "*" ? rule with { Namespace = Release } : rule);
        lock (_faults)
        {
            _faults.Add(added);
        }

        return added;
    }

    /// <summary>Ends the case's faults (the trouble is over), keeping how often each fired.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            var ids = _faults.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            _fired.AddRange(Simulator.Faults.List().Where(f => ids.Contains(f.Rule.Id)));
            foreach (var id in ids.OfType<string>())
            {
                Simulator.Faults.Remove(id);
            }

            _faults.Clear();
        }
    }

    /// <summary>Runs <paramref name="action"/> once <paramref name="moment"/> is true of the cluster (bounded: the case fails
    /// when the moment never comes). Returns at once; await the task to know it ran.</summary>
    public Task When(Func<bool> moment, string what, Action action) => Task.Run(async () =>
    {
        await Eventually.WaitUntilAsync(moment, what, TimeSpan.FromSeconds(90));
        action();
    });

    /// <summary>True once the release has a revision Secret of this number.</summary>
    public bool HasRevision(int revision, string? status = null) =>
        Simulator.Store.List(ResourceTypes.Secrets, Release).Any(s =>
            s["metadata"]?["labels"]?["name"]?.GetValue<string>() == Release &&
            s["metadata"]?["labels"]?["version"]?.GetValue<string>() == revision.ToString(System.Globalization.CultureInfo.InvariantCulture) &&
            (status is null || s["metadata"]?["labels"]?["status"]?.GetValue<string>() == status));

    /// <summary>The release's revisions as their Secrets label them now: <c>1:superseded 2:pending-upgrade</c>.</summary>
    public string Revisions() => string.Join(' ', Simulator.Store.List(ResourceTypes.Secrets, Release)
        .Where(s => s["metadata"]?["labels"]?["name"]?.GetValue<string>() == Release)
        .Select(s => $"{s["metadata"]!["labels"]!["version"]?.GetValue<string>()}:{s["metadata"]!["labels"]!["status"]?.GetValue<string>()}")
        .Order(StringComparer.Ordinal));

    /// <summary>True once a pod of the given image exists in the namespace.</summary>
    public bool HasPodOf(string image) => Pods().Any(p => Image(p) == image);

    /// <summary>Starts helm itself (not through the engine), to kill it.</summary>
    public Process StartHelm(params string[] args)
    {
        var info = new ProcessStartInfo(Tools.Helm(Major)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Append("--kubeconfig").Append(Kubeconfig))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _home.Environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    /// <summary>The release history as helm prints it now.</summary>
    public async Task<ReleaseHistory> HistoryAsync()
    {
        var result = await ProcessRunner.RunAsync(Tools.Helm(Major), ["history", Release, "--namespace", Release, "--output", "json", "--kubeconfig", Kubeconfig], _home.Environment);
        return result.ExitCode == 0 ? ReleaseHistory.Parse(result.StandardOutput) : ReleaseHistory.Empty;
    }

    /// <summary>The image of the release Deployment's template now.</summary>
    public string? TemplateImage() =>
        Simulator.Store.Get(ResourceTypes.Deployments, Release, Release)?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.GetValue<string>();

    /// <summary>The namespace's pods that are not being deleted.</summary>
    public IReadOnlyList<JsonObject> Pods() =>
        [.. Simulator.Store.List(ResourceTypes.Pods, Release).Where(p => p["metadata"]?["deletionTimestamp"] is null)];

    /// <summary>A pod's image.</summary>
    public static string? Image(JsonObject pod) => pod["spec"]?["containers"]?[0]?["image"]?.GetValue<string>();

    public void Dispose() => _home.Dispose();

    private sealed class ListLog(List<string> lines) : IDeployLog
    {
        public void Info(string message) => Add(message);

        public void Warning(string message) => Add("warning: " + message);

        public void Error(string message) => Add("error: " + message);

        public IDisposable Group(string title)
        {
            Add("== " + title);
            return new Scope();
        }

        private void Add(string line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }

        private sealed class Scope : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
