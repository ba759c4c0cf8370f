using System.Globalization;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Simulator.Cluster;

/// <summary>A simulated node and what it can hold.</summary>
/// <param name="Name">Node name.</param>
/// <param name="MilliCpu">Allocatable CPU in millicores.</param>
/// <param name="MemoryBytes">Allocatable memory in bytes.</param>
/// <param name="Pods">Maximum pods on the node.</param>
public sealed record NodeConfig(string Name, long MilliCpu, long MemoryBytes, int Pods = 110);

/// <summary>How long simulated work takes. Defaults are small so a happy install is ready in well under a second.</summary>
public sealed record ClusterTiming
{
    /// <summary>From pod creation to the scheduler binding it.</summary>
    public TimeSpan ScheduleDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How often an unschedulable pod is tried again.</summary>
    public TimeSpan ScheduleRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Image pull time.</summary>
    public TimeSpan PullDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First back-off after a failed pull; doubles up to <see cref="PullBackoffCap"/>.</summary>
    public TimeSpan PullBackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between pulls.</summary>
    public TimeSpan PullBackoffCap { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a crashing (or run-to-completion) container runs before it exits.</summary>
    public TimeSpan RunBeforeExit { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>First CrashLoopBackOff delay; doubles up to <see cref="CrashBackoffCap"/>.</summary>
    public TimeSpan CrashBackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest CrashLoopBackOff delay.</summary>
    public TimeSpan CrashBackoffCap { get; init; } = TimeSpan.FromSeconds(16);

    /// <summary>Period of failing readiness probes (Unhealthy events) when the probe does not set one lower.</summary>
    public TimeSpan ProbePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a pod blocked on a missing ConfigMap/Secret is checked again.</summary>
    public TimeSpan ConfigRecheck { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The simulated cluster: nodes, the image catalogue and timing. Load it from YAML
/// (see the simulator README) or use <see cref="Default"/>.
/// </summary>
public sealed class ClusterConfig
{
    private ClusterConfig(IReadOnlyList<NodeConfig> nodes, ImageCatalogue images, ClusterTiming timing)
    {
        Nodes = nodes;
        Images = images;
        Timing = timing;
    }

    /// <summary>The nodes; at least one.</summary>
    public IReadOnlyList<NodeConfig> Nodes { get; }

    /// <summary>Image references and what they do.</summary>
    public ImageCatalogue Images { get; }

    /// <summary>Delays of simulated work.</summary>
    public ClusterTiming Timing { get; }

    /// <summary>Faults injected from the start (the file's <c>faults:</c> list); their windows' time counts from the
    /// simulator's start.</summary>
    public IReadOnlyList<FaultRule> Faults { get; private init; } = [];

    /// <summary>The synthetic steady traffic every Ready app answers, in GET requests per second of the simulator's clock, counted
    /// in its <c>/metrics</c> next to the requests that came through the API server's proxy (10 by default; 0: none).</summary>
    public double SyntheticRequestsPerSecond { get; private init; } = DefaultSyntheticRequestsPerSecond;

    /// <summary>The group-versions (<c>batch/v1</c>, <c>apps/v1</c>) the API leaves out of discovery and answers 404 for, as a
    /// cluster that no longer serves them (the file's <c>unservedApiVersions</c>; none by default).</summary>
    public IReadOnlyList<string> UnservedApiVersions { get; private init; } = [];

    /// <summary>The default of <see cref="SyntheticRequestsPerSecond"/>.</summary>
    public const double DefaultSyntheticRequestsPerSecond = 10;

    /// <summary>A copy with another <see cref="SyntheticRequestsPerSecond"/>.</summary>
    public ClusterConfig WithSyntheticTraffic(double perSecond) =>
        perSecond >= 0 && double.IsFinite(perSecond)
            ? new ClusterConfig(Nodes, Images, Timing) { Faults = Faults, SyntheticRequestsPerSecond = perSecond, UnservedApiVersions = UnservedApiVersions }
            : throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "Synthetic traffic is a number of requests per second, 0 or more.");

    /// <summary>The node used when the file names none.</summary>
    public static IReadOnlyList<NodeConfig> DefaultNodes { get; } =
        [new NodeConfig("sim-node-1", 8000, 32L * 1024 * 1024 * 1024)];

    /// <summary>The built-in catalogue, checked after any configured rules.</summary>
    public static IReadOnlyList<ImageRule> DefaultImageRules { get; } =
    [
        new("ghcr.io/helm-sentinel/demo-web:1.0.0", new ImageBehaviour(BehaviourKind.Ready, Logs:
        [
            "demo-web 1.0.0 starting",
            "connected to database",
            "listening on :8080",
        ])),
        new("ghcr.io/helm-sentinel/demo-web:1.1.0", new ImageBehaviour(BehaviourKind.Ready, Http: new HttpBehaviour(HttpBehaviourKind.Error), Logs:
        [
            "demo-web 1.1.0 starting",
            "cache warm-up skipped: CACHE_URL is empty",
            "listening on :8080",
        ])),
        new("ghcr.io/helm-sentinel/demo-web:2.0.0", new ImageBehaviour(BehaviourKind.Crash, ExitCode: 1, Logs:
        [
            "demo-web 2.0.0 starting",
            "loading configuration from environment",
            "panic: required setting DATABASE_URL is not set",
        ])),
        new("ghcr.io/helm-sentinel/demo-worker:1.0.0", new ImageBehaviour(BehaviourKind.Ready, Logs:
        [
            "demo-worker 1.0.0 starting",
            "waiting for jobs",
        ])),
        new("nginx*", new ImageBehaviour(BehaviourKind.Ready)),
        new("docker.io/library/nginx*", new ImageBehaviour(BehaviourKind.Ready)),
        new("busybox*", new ImageBehaviour(BehaviourKind.Ready)),
        new("docker.io/library/busybox*", new ImageBehaviour(BehaviourKind.Ready)),
        new("*/busybox:*", new ImageBehaviour(BehaviourKind.Ready)),
        new("registry.k8s.io/pause*", new ImageBehaviour(BehaviourKind.Ready)),
    ];

    /// <summary>One node (<c>sim-node-1</c>, 8 CPU, 32Gi) and the default image catalogue.</summary>
    public static ClusterConfig Default { get; } = new(DefaultNodes, new ImageCatalogue(DefaultImageRules), new ClusterTiming());

    /// <summary>Reads a cluster file.</summary>
    /// <exception cref="FormatException">The file is not a valid cluster description.</exception>
    public static ClusterConfig Load(string yamlPath)
    {
        ArgumentNullException.ThrowIfNull(yamlPath);
        return Parse(File.ReadAllText(yamlPath));
    }

    /// <summary>
    /// Parses a cluster description. Every section is optional: <c>nodes</c> replaces the default
    /// node; <c>images</c> rules are checked before the default catalogue (unless
    /// <c>defaultImages: false</c>); <c>timing</c> overrides individual delays.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid cluster description.</exception>
    public static ClusterConfig Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException("Cluster file is not valid YAML: " + e.Message, e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode)
        {
            return Default;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("Cluster file must be a mapping with nodes, images and timing.");
        }

        var nodes = DefaultNodes;
        var rules = new List<ImageRule>();
        var includeDefaults = true;
        var timing = new ClusterTiming();
        IReadOnlyList<FaultRule> faults = [];
        var synthetic = DefaultSyntheticRequestsPerSecond;
        IReadOnlyList<string> unserved = [];
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, "key");
            switch (key)
            {
                case "nodes":
                    nodes = ParseNodes(value);
                    break;
                case "images":
                    rules.AddRange(ParseImages(value));
                    break;
                case "defaultImages":
                    includeDefaults = bool.Parse(Scalar(value, "defaultImages"));
                    break;
                case "timing":
                    timing = ParseTiming(value);
                    break;
                case "faults":
                    faults = FaultJson.ParseYaml(value);
                    break;
                case "syntheticTraffic":
                    synthetic = double.TryParse(Scalar(value, key), NumberStyles.Float, CultureInfo.InvariantCulture, out var perSecond) && perSecond >= 0 && double.IsFinite(perSecond)
                        ? perSecond
                        : throw new FormatException("'syntheticTraffic' must be a number of requests per second, 0 or more.");
                    break;
                case "unservedApiVersions":
                    unserved = ParseGroupVersions(value);
                    break;
                default:
                    throw new FormatException($"Unknown cluster file key '{key}' (expected nodes, images, defaultImages, timing, faults, syntheticTraffic, unservedApiVersions).");
            }
        }

        if (includeDefaults)
        {
            rules.AddRange(DefaultImageRules);
        }

        return new ClusterConfig(nodes, new ImageCatalogue(rules), timing) { Faults = faults, SyntheticRequestsPerSecond = synthetic, UnservedApiVersions = unserved };
    }

    private static List<string> ParseGroupVersions(YamlNode node)
    {
        var known = ResourceTypes.All.Select(t => t.ApiVersion).Distinct().ToList();
        if (node is not YamlSequenceNode seq)
        {
            throw new FormatException("'unservedApiVersions' must be a list of group-versions such as batch/v1.");
        }

        var result = new List<string>();
        foreach (var item in seq.Children)
        {
            var groupVersion = Scalar(item, "unservedApiVersions[]");
            result.Add(known.Contains(groupVersion)
                ? groupVersion
                : throw new FormatException($"'unservedApiVersions' names '{groupVersion}', which the simulator does not serve (known: {string.Join(", ", known)})."));
        }

        return result;
    }

    private static List<NodeConfig> ParseNodes(YamlNode node)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            throw new FormatException("'nodes' must be a non-empty list of {name, cpu, memory}.");
        }

        var result = new List<NodeConfig>();
        foreach (var item in seq.Children)
        {
            var map = Map(item, "nodes[]");
            var name = Get(map, "name") ?? $"sim-node-{result.Count + 1}";
            var cpu = Get(map, "cpu") ?? "8";
            var memory = Get(map, "memory") ?? "32Gi";
            var pods = Get(map, "pods") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 110;
            result.Add(new NodeConfig(name, Quantity.MilliCores(cpu), Quantity.Bytes(memory), pods));
        }

        return result;
    }

    private static List<ImageRule> ParseImages(YamlNode node)
    {
        var result = new List<ImageRule>();
        switch (node)
        {
            case YamlMappingNode map:
                // Short form: { "pattern": "behaviour" }.
                foreach (var (k, v) in map.Children)
                {
                    result.Add(new ImageRule(Scalar(k, "image"), ImageBehaviour.Parse(Scalar(v, "behaviour"))));
                }

                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    var m = Map(item, "images[]");
                    var pattern = Get(m, "match") ?? Get(m, "image") ??
                        throw new FormatException("Each images[] entry needs 'match' (an image reference or glob).");
                    var behaviour = Get(m, "behaviour") ?? Get(m, "behavior") ?? "ready";
                    double? seconds = Get(m, "seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null;
                    int? exit = Get(m, "exitCode") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : null;
                    IReadOnlyList<string>? logs = null;
                    if (m.Children.TryGetValue(new YamlScalarNode("logs"), out var logNode))
                    {
                        logs = logNode is YamlSequenceNode ls
                            ? ls.Children.Select(l => Scalar(l, "logs[]")).ToList()
                            : Scalar(logNode, "logs").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    }

                    result.Add(new ImageRule(pattern, ImageBehaviour.Parse(behaviour, seconds, exit, logs, Get(m, "variable"), Get(m, "http"))));
                }

                break;
            default:
                throw new FormatException("'images' must be a list of {match, behaviour} or a map of pattern: behaviour.");
        }

        return result;
    }

    private static ClusterTiming ParseTiming(YamlNode node)
    {
        var t = new ClusterTiming();
        foreach (var (k, v) in Map(node, "timing").Children)
        {
            var key = Scalar(k, "timing key");
            var d = Quantity.ParseDuration(Scalar(v, key));
            t = key switch
            {
                "scheduleDelay" => t with { ScheduleDelay = d },
                "scheduleRetry" => t with { ScheduleRetry = d },
                "pullDelay" => t with { PullDelay = d },
                "pullBackoffBase" => t with { PullBackoffBase = d },
                "pullBackoffCap" => t with { PullBackoffCap = d },
                "runBeforeExit" => t with { RunBeforeExit = d },
                "crashBackoffBase" => t with { CrashBackoffBase = d },
                "crashBackoffCap" => t with { CrashBackoffCap = d },
                "probePeriod" => t with { ProbePeriod = d },
                "configRecheck" => t with { ConfigRecheck = d },
                _ => throw new FormatException($"Unknown timing key '{key}'."),
            };
        }

        return t;
    }

    private static YamlMappingNode Map(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw new FormatException($"'{what}' must be a mapping.");

    private static string Scalar(YamlNode node, string what) =>
        (node as YamlScalarNode)?.Value ?? throw new FormatException($"'{what}' must be a plain value.");

    private static string? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? Scalar(v, key) : null;
}
