using HelmSentinel.Simulator.Storage;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>A Ready app container of a pod, as the proxy reaches it.</summary>
/// <param name="Container">The container's name.</param>
/// <param name="Image">Its image, as written in the spec.</param>
/// <param name="Http">How it answers.</param>
/// <param name="ReadySince">When its current run became Ready.</param>
internal sealed record PodApp(string Container, string Image, HttpBehaviour Http, DateTimeOffset ReadySince);

/// <summary>An event a simulated component wants recorded against the pod.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Type">Normal or Warning.</param>
/// <param name="Reason">Reason, e.g. Pulling, BackOff.</param>
/// <param name="Message">Message as a kubelet writes it.</param>
/// <param name="FieldPath">E.g. <c>spec.containers{web}</c>; null for the pod itself.</param>
/// <param name="Component">kubelet or default-scheduler.</param>
internal sealed record PodEvent(DateTimeOffset At, string Type, string Reason, string Message, string? FieldPath, string Component);

/// <summary>
/// The scheduler's and kubelet's view of one pod, advanced in simulated time: pulls, config checks,
/// runs, readiness, exits, back-offs and the status a kubelet would report. Pure: it reads nothing
/// but its inputs, so every behaviour is unit-tested by stepping time.
/// </summary>
internal sealed class PodSimulation
{
    private const int MaxLogLines = 1000;
    private readonly List<ContainerSim> _containers;
    private readonly List<ContainerSim> _init;
    private readonly ClusterTiming _timing;
    private readonly Dictionary<string, (string Status, string? Reason, string? Message, DateTimeOffset At)> _conditions = new(StringComparer.Ordinal);

    public PodSimulation(JsonObject pod, ClusterConfig config, DateTimeOffset firstSeen)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(config);
        (Name, Namespace, Uid) = pod.Id();
        FirstSeen = firstSeen;
        _timing = config.Timing;
        RestartPolicy = pod.Text("spec.restartPolicy") ?? "Always";
        _containers = pod.Objects("spec.containers")
            .Select(c => new ContainerSim(c, config.Images.Find(c.Text("image") ?? string.Empty), _timing, isInit: false))
            .ToList();
        _init = pod.Objects("spec.initContainers")
            .Select(c => new ContainerSim(c, config.Images.Find(c.Text("image") ?? string.Empty), _timing, isInit: true))
            .ToList();
    }

    /// <summary>Guards the simulation between the reconcile loop and log readers (never taken while holding the store lock).</summary>
    public Lock Gate { get; } = new();

    public string Name { get; }

    public string Namespace { get; }

    public string Uid { get; }

    public DateTimeOffset FirstSeen { get; }

    public string RestartPolicy { get; }

    public DateTimeOffset? ScheduledAt { get; private set; }

    public string? NodeName { get; private set; }

    public string? HostIp { get; private set; }

    public string? PodIp { get; private set; }

    /// <summary>The scheduler's reason for not placing the pod, while it is unschedulable.</summary>
    public string? UnschedulableMessage { get; private set; }

    /// <summary>Names of containers blocked on a missing ConfigMap or Secret.</summary>
    public bool WaitingOnConfig => All.Any(c => c.Stage == Stage.ConfigBlocked);

    /// <summary>Whether every container has stopped for good.</summary>
    public bool Finished => ScheduledAt is not null && (InitFailed || _containers.All(c => c.Stage == Stage.Done));

    /// <summary>The earliest time something changes by itself, or null.</summary>
    public DateTimeOffset? NextWake => All.Where(c => c.NextAt is not null).Select(c => c.NextAt).Min();

    private IEnumerable<ContainerSim> All => _init.Concat(_containers);

    private bool Initialized => _init.All(c => c.Stage == Stage.Done && c.ExitCode == 0);

    private bool InitFailed => _init.Any(c => c.Stage == Stage.Done && c.ExitCode != 0);

    /// <summary>Records that the scheduler could not place the pod.</summary>
    public void MarkUnschedulable(DateTimeOffset at, string message)
    {
        UnschedulableMessage = message;
        SetCondition("PodScheduled", "False", "Unschedulable", message, at);
    }

    /// <summary>Binds the pod to a node at <paramref name="at"/>; the kubelet starts pulling at once.</summary>
    public IReadOnlyList<PodEvent> Schedule(DateTimeOffset at, string node, string hostIp, string podIp, bool emitScheduled)
    {
        var events = new List<PodEvent>();
        ScheduledAt = at;
        NodeName = node;
        HostIp = hostIp;
        PodIp = podIp;
        UnschedulableMessage = null;
        if (emitScheduled)
        {
            events.Add(new PodEvent(at, "Normal", "Scheduled", $"Successfully assigned {Namespace}/{Name} to {node}", null, "default-scheduler"));
        }

        SetCondition("PodScheduled", "True", null, null, at);
        SetCondition("PodReadyToStartContainers", "True", null, null, at);
        StartNextInit(at, events);

        UpdateReadiness(at);
        return events;
    }

    /// <summary>
    /// Plays every transition due up to <paramref name="now"/>, in time order.
    /// <paramref name="configError"/> tells, for a container spec, which referenced ConfigMap/Secret is
    /// missing (e.g. <c>configmap "x" not found</c>) or null when all exist. <paramref name="environment"/> gives a
    /// container's environment as the kubelet resolves it when the container starts (null: none).
    /// </summary>
    public IReadOnlyList<PodEvent> Advance(DateTimeOffset now, Func<string, string?> configError, Func<string, IReadOnlyDictionary<string, string>>? environment = null)
    {
        var events = new List<PodEvent>();
        if (ScheduledAt is null)
        {
            return events;
        }

        for (var guard = 0; guard < 10_000; guard++)
        {
            var next = All.Where(c => c.NextAt is { } t && t <= now).MinBy(c => c.NextAt);
            if (next is null)
            {
                break;
            }

            var at = next.NextAt!.Value;
            next.Step(at, this, configError, environment, events);
            if (next.IsInit && next.Stage == Stage.Done && next.ExitCode == 0)
            {
                StartNextInit(at, events);
            }

            UpdateReadiness(at);
        }

        return events;
    }

    /// <summary>The Killing events a kubelet emits when the pod is deleted.</summary>
    public IReadOnlyList<PodEvent> Kill(DateTimeOffset at) =>
        All.Where(c => c.Stage == Stage.Running)
            .Select(c => new PodEvent(at, "Normal", "Killing", $"Stopping container {c.Name}", c.FieldPath, "kubelet"))
            .ToList();

    /// <summary>The log of a container (the first one when <paramref name="container"/> is null); null when unknown.</summary>
    public string? Log(string? container, bool previous, int? tailLines)
    {
        if (LogSnapshot(container, previous) is not { } log)
        {
            return null;
        }

        var selected = tailLines is { } n and >= 0 ? log.Lines.Skip(Math.Max(0, log.Lines.Count - n)) : log.Lines;
        return string.Concat(selected.Select(l => l + "\n"));
    }

    /// <summary>
    /// A container's log as a reader sees it now (the first container when <paramref name="container"/> is null): its
    /// lines, the run they belong to and whether that run ended (no line will be added). Null when there is no such
    /// container or it has not started.
    /// </summary>
    public PodLogSnapshot? LogSnapshot(string? container, bool previous)
    {
        var c = container is null ? _containers.FirstOrDefault() : All.FirstOrDefault(x => x.Name == container);
        if (c is null)
        {
            return null;
        }

        if (previous)
        {
            return c.PreviousLog is { } before ? new PodLogSnapshot([.. before], c.PreviousLogDropped, c.PreviousLogRun, Ended: true) : null;
        }

        return c.CurrentLog is { } now ? new PodLogSnapshot([.. now], c.CurrentLogDropped, c.CurrentLogRun, Ended: c.Stage != Stage.Running) : null;
    }

    /// <summary>The pod status a kubelet would report now.</summary>
    public JsonObject Status(string? qosClass)
    {
        var status = new JsonObject();
        var phase = Phase();
        status["phase"] = phase;
        var conditions = new JsonArray();
        foreach (var type in new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" })
        {
            if (_conditions.TryGetValue(type, out var c))
            {
                var cond = new JsonObject
                {
                    ["type"] = type,
                    ["status"] = c.Status,
                    ["lastProbeTime"] = null,
                    ["lastTransitionTime"] = Json.Time(c.At),
                };
                if (c.Reason is not null)
                {
                    cond["reason"] = c.Reason;
                }

                if (c.Message is not null)
                {
                    cond["message"] = c.Message;
                }

                conditions.Add(cond);
            }
        }

        status["conditions"] = conditions;
        if (ScheduledAt is { } scheduled)
        {
            status["hostIP"] = HostIp;
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = HostIp });
            status["podIP"] = PodIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = PodIp });
            status["startTime"] = Json.Time(scheduled);
            if (_init.Count > 0)
            {
                status["initContainerStatuses"] = new JsonArray(_init.Select(c => (JsonNode)c.StatusJson()).ToArray());
            }

            status["containerStatuses"] = new JsonArray(_containers.Select(c => (JsonNode)c.StatusJson()).ToArray());
        }

        if (qosClass is not null)
        {
            status["qosClass"] = qosClass;
        }

        return status;
    }

    internal string Phase()
    {
        if (ScheduledAt is null)
        {
            return "Pending";
        }

        if (InitFailed)
        {
            return "Failed";
        }

        if (!Initialized)
        {
            return "Pending";
        }

        if (_containers.Count > 0 && _containers.All(c => c.Stage == Stage.Done))
        {
            return _containers.All(c => c.ExitCode == 0) ? "Succeeded" : "Failed";
        }

        return _containers.All(c => c.Runs > 0) ? "Running" : "Pending";
    }

    internal bool Ready => ScheduledAt is not null && _containers.All(c => c.Ready);

    /// <summary>
    /// The app that answers on <paramref name="port"/>: a Running and Ready app container that declares the port, else the
    /// first one that declares no ports at all (what it listens on is unknown, so it answers on any). Null when nothing
    /// listens there now, as for a pod that is starting, crashing or done: the caller's connection is refused.
    /// </summary>
    internal PodApp? Listener(int port)
    {
        var listening = _containers.Where(c => c is { Stage: Stage.Running, Ready: true, ReadySince: not null }).ToList();
        var c = listening.FirstOrDefault(c => c.Ports.Contains(port)) ?? listening.FirstOrDefault(c => c.Ports.Count == 0);
        return c is null ? null : new PodApp(c.Name, c.Image, c.Http, c.ReadySince!.Value);
    }

    /// <summary>Starts the next init container, or every app container once all init containers succeeded.</summary>
    private void StartNextInit(DateTimeOffset at, List<PodEvent> events)
    {
        var next = _init.FirstOrDefault(c => c.Stage == Stage.Waiting);
        if (next is not null && !InitFailed)
        {
            next.BeginPull(at, events);
            return;
        }

        if (Initialized)
        {
            foreach (var c in _containers.Where(c => c.Stage == Stage.Waiting))
            {
                c.BeginPull(at, events);
            }
        }
    }

    private void UpdateReadiness(DateTimeOffset at)
    {
        if (Initialized)
        {
            SetCondition("Initialized", "True", null, null, at);
        }
        else
        {
            var incomplete = _init.Where(c => !(c.Stage == Stage.Done && c.ExitCode == 0)).Select(c => c.Name);
            SetCondition("Initialized", "False", "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]", at);
        }

        var phase = Phase();
        if (phase is "Succeeded" or "Failed")
        {
            SetCondition("ContainersReady", "False", "PodCompleted", null, at);
            SetCondition("Ready", "False", "PodCompleted", null, at);
            SetCondition("PodReadyToStartContainers", "False", null, null, at);
            return;
        }

        var unready = _containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        if (unready.Count == 0)
        {
            SetCondition("ContainersReady", "True", null, null, at);
            SetCondition("Ready", "True", null, null, at);
        }
        else
        {
            var message = $"containers with unready status: [{string.Join(' ', unready)}]";
            SetCondition("ContainersReady", "False", "ContainersNotReady", message, at);
            SetCondition("Ready", "False", "ContainersNotReady", message, at);
        }
    }

    private void SetCondition(string type, string status, string? reason, string? message, DateTimeOffset at)
    {
        if (_conditions.TryGetValue(type, out var old) && old.Status == status)
        {
            _conditions[type] = (status, reason, message, old.At);
            return;
        }

        _conditions[type] = (status, reason, message, at);
    }

    internal enum Stage
    {
        Waiting,
        Pulling,
        PullFailed,
        PullBackOff,
        InvalidImage,
        ConfigBlocked,
        Running,
        CrashBackOff,
        Done,
    }

    private sealed class ContainerSim
    {
        private readonly ImageBehaviour? _behaviour;
        private readonly ClusterTiming _timing;
        private readonly string _image;
        private readonly TimeSpan _readinessDelay;
        private readonly TimeSpan _probePeriod;
        private readonly string _probeFailure;
        private readonly JsonObject _spec;
        private DateTimeOffset? _readyAt;
        private DateTimeOffset? _exitAt;
        private DateTimeOffset? _nextProbeAt;
        private DateTimeOffset? _startedAt;
        private DateTimeOffset? _pullStartedAt;
        private int _pullFailures;
        private int _plannedExitCode;
        private string _plannedExitReason = "Error";
        private string? _lastWords;
        private string? _terminationMessage;
        private JsonObject? _terminated;
        private JsonObject? _lastTerminated;
        private string? _waitingReason;
        private string? _waitingMessage;
        private string? _containerId;

        public ContainerSim(JsonObject spec, ImageBehaviour? behaviour, ClusterTiming timing, bool isInit)
        {
            _spec = spec;
            IsInit = isInit;
            _waitingReason = "PodInitializing";
            Name = spec.Text("name") ?? "container";
            _image = spec.Text("image") ?? string.Empty;
            _behaviour = behaviour;
            _timing = timing;
            Ports = spec.Objects("ports").Select(p => p.Long("containerPort")).OfType<long>().Select(p => (int)p).ToList();
            var probe = spec["readinessProbe"] as JsonObject;
            HasProbe = probe is not null;
            _readinessDelay = TimeSpan.FromSeconds(probe.Long("initialDelaySeconds") ?? 0);
            var period = TimeSpan.FromSeconds(probe.Long("periodSeconds") ?? 10);
            _probePeriod = period < timing.ProbePeriod ? period : timing.ProbePeriod;
            _probeFailure = probe?["httpGet"] is not null
                ? "HTTP probe failed with statuscode: 503"
                : probe?["exec"] is not null
                    ? "command exited with code 1"
                    : "dial tcp: connect: connection refused";
        }

        public string Name { get; }

        public string Image => _image;

        /// <summary>The container ports it declares.</summary>
        public IReadOnlyList<int> Ports { get; }

        public HttpBehaviour Http => _behaviour?.HttpOrHealthy ?? HttpBehaviour.Healthy;

        /// <summary>When the current run became Ready; null while it is not.</summary>
        public DateTimeOffset? ReadySince { get; private set; }

        public bool HasProbe { get; }

        public bool IsInit { get; }

        public Stage Stage { get; private set; } = Stage.Waiting;

        public DateTimeOffset? NextAt { get; private set; }

        public int RestartCount { get; private set; }

        public int Runs { get; private set; }

        public bool Ready { get; private set; }

        public int? ExitCode { get; private set; }

        public List<string>? CurrentLog { get; private set; }

        public List<string>? PreviousLog { get; private set; }

        /// <summary>The run whose lines <see cref="CurrentLog"/> holds (-1 between runs), and how many of its first lines were dropped.</summary>
        public int CurrentLogRun { get; private set; } = -1;

        public long CurrentLogDropped { get; private set; }

        public int PreviousLogRun { get; private set; } = -1;

        public long PreviousLogDropped { get; private set; }

        public string FieldPath => IsInit ? $"spec.initContainers{{{Name}}}" : $"spec.containers{{{Name}}}";

        public static string NewContainerId(string seed) =>
            "containerd://" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

        public static string ImageId(string image)
        {
            var normalized = ImageCatalogue.Normalize(image);
            var colon = normalized.LastIndexOf(':');
            var repo = colon > normalized.LastIndexOf('/') ? normalized[..colon] : normalized;
            return repo + "@sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
        }

        public void BeginPull(DateTimeOffset at, List<PodEvent> events)
        {
            if (!ImageReference.IsValid(_image))
            {
                Stage = Stage.InvalidImage;
                _waitingReason = "InvalidImageName";
                _waitingMessage = $"Failed to apply default image tag \"{_image}\": couldn't parse image name \"{_image}\": invalid reference format";
                events.Add(Event(at, "Warning", "InspectFailed", _waitingMessage));
                events.Add(Event(at, "Warning", "Failed", "Error: InvalidImageName"));
                NextAt = at + _timing.PullBackoffCap;
                return;
            }

            Stage = Stage.Pulling;
            _pullStartedAt = at;
            _waitingReason = _pullFailures == 0 ? (IsInit ? "PodInitializing" : "ContainerCreating") : "ImagePullBackOff";
            events.Add(Event(at, "Normal", "Pulling", $"Pulling image \"{_image}\""));
            NextAt = at + _timing.PullDelay;
        }

        public void Step(
            DateTimeOffset at, PodSimulation pod, Func<string, string?> configError, Func<string, IReadOnlyDictionary<string, string>>? environment, List<PodEvent> events)
        {
            switch (Stage)
            {
                case Stage.Pulling:
                    FinishPull(at, pod, configError, environment, events);
                    break;
                case Stage.PullFailed:
                    Stage = Stage.PullBackOff;
                    _waitingReason = "ImagePullBackOff";
                    _waitingMessage = $"Back-off pulling image \"{_image}\"";
                    events.Add(Event(at, "Normal", "BackOff", $"Back-off pulling image \"{_image}\""));
                    events.Add(Event(at, "Warning", "Failed", "Error: ImagePullBackOff"));
                    NextAt = at + RolloutMath.Backoff(_timing.PullBackoffBase, _timing.PullBackoffCap, _pullFailures - 1);
                    break;
                case Stage.PullBackOff:
                case Stage.InvalidImage:
                    BeginPull(at, events);
                    break;
                case Stage.ConfigBlocked:
                    TryStart(at, pod, configError, environment, events);
                    break;
                case Stage.Running:
                    StepRunning(at, pod, events);
                    break;
                case Stage.CrashBackOff:
                    RestartCount++;
                    events.Add(Event(at, "Normal", "Pulled", $"Container image \"{_image}\" already present on machine"));
                    TryStart(at, pod, configError, environment, events);
                    break;
                default:
                    NextAt = null;
                    break;
            }
        }

        public JsonObject StatusJson()
        {
            var state = new JsonObject();
            switch (Stage)
            {
                case Stage.Running:
                    state["running"] = new JsonObject { ["startedAt"] = Json.Time(_startedAt!.Value) };
                    break;
                case Stage.Done:
                    state["terminated"] = _terminated!.Clone();
                    break;
                default:
                    var waiting = new JsonObject { ["reason"] = _waitingReason ?? "ContainerCreating" };
                    if (_waitingMessage is not null)
                    {
                        waiting["message"] = _waitingMessage;
                    }

                    state["waiting"] = waiting;
                    break;
            }

            var status = new JsonObject
            {
                ["name"] = Name,
                ["state"] = state,
                ["lastState"] = _lastTerminated is null ? new JsonObject() : new JsonObject { ["terminated"] = _lastTerminated.Clone() },
                ["ready"] = Ready,
                ["restartCount"] = RestartCount,
                ["image"] = ImageCatalogue.Normalize(_image),
                ["imageID"] = Runs > 0 || Stage == Stage.ConfigBlocked ? ImageId(_image) : string.Empty,
            };
            if (_containerId is not null)
            {
                status["containerID"] = _containerId;
            }

            status["started"] = Stage == Stage.Running;
            return status;
        }

        private void FinishPull(
            DateTimeOffset at, PodSimulation pod, Func<string, string?> configError, Func<string, IReadOnlyDictionary<string, string>>? environment, List<PodEvent> events)
        {
            if (_behaviour is null)
            {
                _pullFailures++;
                var full = ImageCatalogue.Normalize(_image);
                var error = $"rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found";
                Stage = Stage.PullFailed;
                _waitingReason = "ErrImagePull";
                _waitingMessage = error;
                events.Add(Event(at, "Warning", "Failed", $"Failed to pull image \"{_image}\": {error}"));
                events.Add(Event(at, "Warning", "Failed", "Error: ErrImagePull"));
                NextAt = at + _timing.PullDelay;
                return;
            }

            var took = at - (_pullStartedAt ?? at);
            var ms = ((int)took.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            var size = (Math.Abs(_image.GetHashCode(StringComparison.Ordinal)) % 50_000_000) + 1_000_000;
            events.Add(Event(at, "Normal", "Pulled",
                $"Successfully pulled image \"{_image}\" in {ms}ms ({ms}ms including waiting). Image size: {size.ToString(CultureInfo.InvariantCulture)} bytes."));
            TryStart(at, pod, configError, environment, events);
        }

        private void TryStart(
            DateTimeOffset at, PodSimulation pod, Func<string, string?> configError, Func<string, IReadOnlyDictionary<string, string>>? environment, List<PodEvent> events)
        {
            if (configError(Name) is { } error)
            {
                Stage = Stage.ConfigBlocked;
                _waitingReason = "CreateContainerConfigError";
                _waitingMessage = error;
                events.Add(Event(at, "Warning", "Failed", "Error: " + error));
                NextAt = at + _timing.ConfigRecheck;
                return;
            }

            Start(at, pod, environment, events);
        }

        private void Start(DateTimeOffset at, PodSimulation pod, Func<string, IReadOnlyDictionary<string, string>>? environment, List<PodEvent> events)
        {
            var behaviour = _behaviour!;
            var run = Runs++;
            Stage = Stage.Running;
            CurrentLogRun = run;
            CurrentLogDropped = 0;
            _waitingReason = null;
            _waitingMessage = null;
            _startedAt = at;
            _containerId = NewContainerId($"{pod.Uid}/{Name}/{run}");
            Ready = false;
            ReadySince = null;
            _readyAt = null;
            _exitAt = null;
            _nextProbeAt = null;
            _lastWords = null;
            _terminationMessage = null;
            events.Add(Event(at, "Normal", "Created", $"Created container: {Name}"));
            events.Add(Event(at, "Normal", "Started", $"Started container {Name}"));

            var runToCompletion = IsInit || pod.RestartPolicy != "Always";
            var kind = behaviour.Kind == BehaviourKind.RestartOnce ? (run == 0 ? BehaviourKind.Crash : BehaviourKind.Ready) : behaviour.Kind;
            if (kind == BehaviourKind.LeakEnv)
            {
                Leak(at, behaviour, environment?.Invoke(Name));
                StepRunning(at, pod, events);
                return;
            }

            var (startLines, lastWords) = ContainerLogs.For(_image, behaviour, kind, at, behaviour.Kind == BehaviourKind.RestartOnce && run == 0);
            CurrentLog = [.. startLines];
            switch (kind)
            {
                case BehaviourKind.Crash:
                    Exit(at + _timing.RunBeforeExit, behaviour.Kind == BehaviourKind.Crash ? behaviour.ExitCode : 1, "Error", lastWords);
                    break;
                case BehaviourKind.Oom:
                    Exit(at + _timing.RunBeforeExit, 137, "OOMKilled", lastWords);
                    break;
                case BehaviourKind.Complete:
                    _readyAt = at;
                    Exit(at + _timing.RunBeforeExit, 0, "Completed", lastWords);
                    break;
                case BehaviourKind.NeverReady:
                    _nextProbeAt = at + _readinessDelay + _probePeriod;
                    if (runToCompletion)
                    {
                        Exit(at + _timing.RunBeforeExit, 0, "Completed", lastWords);
                    }

                    break;
                case BehaviourKind.Slow:
                    _readyAt = HasProbe ? FirstPassingProbe(at, at + TimeSpan.FromSeconds(behaviour.Seconds)) : at + TimeSpan.FromSeconds(behaviour.Seconds);
                    if (runToCompletion)
                    {
                        Exit(at + _timing.RunBeforeExit + TimeSpan.FromSeconds(behaviour.Seconds), 0, "Completed", lastWords);
                    }

                    break;
                default:
                    _readyAt = at + _readinessDelay;
                    if (runToCompletion)
                    {
                        Exit(at + _timing.RunBeforeExit, 0, "Completed", lastWords);
                    }

                    break;
            }

            StepRunning(at, pod, events);
        }

        // A kubelet marks the container Ready at the first readiness probe that passes: probes start initialDelaySeconds
        // after the start and repeat every period; those before the app is up fail (Unhealthy events, as for never-ready).
        private DateTimeOffset FirstPassingProbe(DateTimeOffset started, DateTimeOffset up)
        {
            var first = started + _readinessDelay;
            var period = _probePeriod > TimeSpan.Zero ? _probePeriod : TimeSpan.FromSeconds(1);
            var failing = up > first ? (long)Math.Ceiling((up - first) / period) : 0;
            _nextProbeAt = failing > 0 ? first : null;
            return first + (period * failing);
        }

        // The canary: prints the variables as the program sees them, then exits quoting them in its termination message.
        private void Leak(DateTimeOffset at, ImageBehaviour behaviour, IReadOnlyDictionary<string, string>? environment)
        {
            var stamp = at.UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
            CurrentLog = [$"{stamp} starting {Name}"];
            var set = new List<string>();
            var unset = new List<string>();
            foreach (var variable in (behaviour.Variable ?? string.Empty).Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (environment is not null && environment.TryGetValue(variable, out var value))
                {
                    // As it is, then as a structured logger (JSON, as Go writes it) and a connection string (URL-encoded) would.
                    CurrentLog.AddRange($"{variable}={value}".Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'));
                    CurrentLog.Add($"{{\"level\":\"info\",\"msg\":\"configuration\",\"{variable}\":\"{GoJson(value)}\"}}");
                    CurrentLog.Add($"connecting to postgres://app:{Uri.EscapeDataString(value)}@db:5432/app");
                    set.Add($"{variable}={value}");
                }
                else
                {
                    CurrentLog.Add($"{variable} is not set");
                    unset.Add(variable);
                }
            }

            _terminationMessage = set.Count > 0
                ? "refusing to start with " + string.Join("; ", set) + (unset.Count > 0 ? $" and {string.Join(", ", unset)} not set" : string.Empty)
                : $"refusing to start: {string.Join(", ", unset)} not set";
            Exit(at + _timing.RunBeforeExit, behaviour.ExitCode == 0 ? 1 : behaviour.ExitCode, "Error", $"{stamp} fatal: {_terminationMessage}");
        }

        // Go's encoding/json string escaping (HTML-safe: <, > and & as \u003c, \u003e, \u0026).
        private static string GoJson(string value)
        {
            var json = new StringBuilder(value.Length + 8);
            foreach (var c in value)
            {
                json.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    '<' or '>' or '&' or < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                    _ => c.ToString(),
                });
            }

            return json.ToString();
        }

        private void Exit(DateTimeOffset at, int code, string reason, string? lastWords)
        {
            _exitAt = at;
            _plannedExitCode = code;
            _plannedExitReason = reason;
            _lastWords = lastWords;
        }

        private void StepRunning(DateTimeOffset at, PodSimulation pod, List<PodEvent> events)
        {
            if (_exitAt is { } exit && exit <= at)
            {
                Terminate(exit, pod, events);
                return;
            }

            if (_readyAt is { } ready && ready <= at)
            {
                Ready = true;
                ReadySince = ready;
                _readyAt = null;
                if (_nextProbeAt >= ready)
                {
                    _nextProbeAt = null; // that probe passed: no more failures to report
                }
            }

            if (_nextProbeAt is { } probe && probe <= at)
            {
                events.Add(Event(probe, "Warning", "Unhealthy", $"Readiness probe failed: {_probeFailure}"));
                _nextProbeAt = probe + _probePeriod;
            }

            NextAt = new[] { _readyAt, _exitAt, _nextProbeAt }.Where(t => t is not null).Min();
        }

        private void Terminate(DateTimeOffset at, PodSimulation pod, List<PodEvent> events)
        {
            Ready = false;
            ReadySince = null;
            ExitCode = _plannedExitCode;
            if (_lastWords is not null)
            {
                CurrentLog!.AddRange(_lastWords.Split('\n'));
            }

            if (CurrentLog!.Count > MaxLogLines)
            {
                CurrentLogDropped += CurrentLog.Count - MaxLogLines;
                CurrentLog.RemoveRange(0, CurrentLog.Count - MaxLogLines);
            }

            var terminated = new JsonObject
            {
                ["exitCode"] = _plannedExitCode,
                ["reason"] = _plannedExitReason,
                ["startedAt"] = Json.Time(_startedAt!.Value),
                ["finishedAt"] = Json.Time(at),
                ["containerID"] = _containerId,
            };
            if (_terminationMessage is not null)
            {
                // As a kubelet reads it from the container's terminationMessagePath. A kubelet keeps it in the status only;
                // the canary also quotes it in a Warning event, so that every part of a diagnosis carries it.
                terminated["message"] = _terminationMessage;
                events.Add(Event(at, "Warning", "Failed", $"Error: container {Name} exited with code {_plannedExitCode.ToString(CultureInfo.InvariantCulture)}: {_terminationMessage}"));
            }

            _readyAt = null;
            _nextProbeAt = null;
            var restart = IsInit
                ? pod.RestartPolicy != "Never" && _plannedExitCode != 0
                : pod.RestartPolicy == "Always" || (pod.RestartPolicy == "OnFailure" && _plannedExitCode != 0);
            if (!restart)
            {
                Ready = IsInit && _plannedExitCode == 0;
                Stage = Stage.Done;
                _terminated = terminated;
                NextAt = null;
                return;
            }

            _lastTerminated = terminated;
            PreviousLog = CurrentLog;
            PreviousLogRun = CurrentLogRun;
            PreviousLogDropped = CurrentLogDropped;
            CurrentLog = [];
            CurrentLogRun = -1;
            CurrentLogDropped = 0;
            var delay = RolloutMath.Backoff(_timing.CrashBackoffBase, _timing.CrashBackoffCap, RestartCount);
            Stage = Stage.CrashBackOff;
            _waitingReason = "CrashLoopBackOff";
            _waitingMessage = $"back-off {FormatGo(delay)} restarting failed container={Name} pod={pod.Name}_{pod.Namespace}({pod.Uid})";
            events.Add(Event(at, "Warning", "BackOff", $"Back-off restarting failed container {Name} in pod {pod.Name}_{pod.Namespace}({pod.Uid})"));
            NextAt = at + delay;
        }

        private static string FormatGo(TimeSpan t)
        {
            if (t.TotalMinutes >= 1)
            {
                return $"{(int)t.TotalMinutes}m{t.Seconds}s";
            }

            return t.TotalSeconds >= 1
                ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
                : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
        }

        private PodEvent Event(DateTimeOffset at, string type, string reason, string message) =>
            new(at, type, reason, message, FieldPath, "kubelet");

        public override string ToString() => $"{Name} {Stage} restarts={RestartCount} ready={Ready} spec={_spec.Text("image")}";
    }
}
