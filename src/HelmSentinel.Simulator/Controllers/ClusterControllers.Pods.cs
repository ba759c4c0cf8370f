using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>The scheduler and the kubelets.</summary>
public sealed partial class ClusterControllers
{
    private readonly Dictionary<(string Namespace, string Name), PodSimulation> _pods = [];
    private readonly Dictionary<string, JsonObject> _lastPods = new(StringComparer.Ordinal);
    private int _nextPodIp = 1;

    private void SyncPod(string ns, string name)
    {
        var key = new WorkKey(ResourceTypes.Pods, ns, name);
        var pod = _store.Get(ResourceTypes.Pods, ns, name);
        PodSimulation? sim;
        lock (_gate)
        {
            _pods.TryGetValue((ns, name), out sim);
        }

        var now = _time.GetUtcNow();
        if (pod is null)
        {
            if (sim is not null)
            {
                if (_lastPods.Remove(sim.Uid, out var last))
                {
                    IReadOnlyList<PodEvent> killed;
                    lock (sim.Gate)
                    {
                        killed = sim.Kill(now);
                    }

                    foreach (var e in killed)
                    {
                        _events.Record(last, e, sim.NodeName);
                    }
                }

                lock (_gate)
                {
                    _pods.Remove((ns, name));
                }

                _events.Forget(sim.Uid);
                ForgetApps(sim.Uid);
            }

            return;
        }

        var uid = pod.Text("metadata.uid") ?? string.Empty;
        if (sim is null || sim.Uid != uid)
        {
            if (sim is not null)
            {
                _lastPods.Remove(sim.Uid);
                ForgetApps(sim.Uid);
            }

            sim = new PodSimulation(pod, _config, now);
            lock (_gate)
            {
                _pods[(ns, name)] = sim;
            }
        }

        _lastPods[uid] = pod;
        var events = new List<PodEvent>();
        if (sim.ScheduledAt is null)
        {
            var bound = pod.Text("spec.nodeName");
            if (string.IsNullOrEmpty(bound))
            {
                var scheduleAt = sim.FirstSeen + _config.Timing.ScheduleDelay;
                if (now < scheduleAt)
                {
                    WakeAt(key, scheduleAt);
                    return;
                }

                var (node, message) = ChooseNode(pod);
                if (node is null)
                {
                    _events.Record(pod, "Warning", "FailedScheduling", message!, null, "default-scheduler", now);
                    lock (sim.Gate)
                    {
                        sim.MarkUnschedulable(now, message!);
                    }

                    WriteStatus(pod, sim);
                    WakeAt(key, now + _config.Timing.ScheduleRetry);
                    return;
                }

                bound = node;
                _store.Mutate(ResourceTypes.Pods, ns, name, p =>
                    p.Text("metadata.uid") == uid && p.Obj("spec").SetIfChanged("nodeName", node));
            }

            var index = Math.Max(0, _config.Nodes.ToList().FindIndex(n => n.Name == bound));
            var ip = _nextPodIp++ % 250 + 2;
            lock (sim.Gate)
            {
                events.AddRange(sim.Schedule(now, bound, HostIp(index), $"10.244.{index}.{ip}", emitScheduled: true));
            }
        }

        lock (sim.Gate)
        {
            events.AddRange(sim.Advance(
                now, container => ConfigError(ns, pod, container), container => ContainerEnvironment(pod, container, (type, name) => _store.Get(type, ns, name))));
        }

        WriteStatus(pod, sim);
        foreach (var e in events)
        {
            _events.Record(pod, e, e.Component == "kubelet" ? sim.NodeName : null);
        }

        if (sim.NextWake is { } wake)
        {
            WakeAt(key, wake);
        }
    }

    private void WriteStatus(JsonObject pod, PodSimulation sim)
    {
        var (name, ns, uid) = pod.Id();
        JsonObject status;
        lock (sim.Gate)
        {
            status = sim.Status(QosClass(pod));
        }

        try
        {
            _store.Mutate(ResourceTypes.Pods, ns, name, p =>
            {
                if (p.Text("metadata.uid") != uid)
                {
                    return false;
                }

                return p.SetIfChanged("status", status);
            });
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile; the DELETED event cleans up.
        }
    }

    private string? ConfigError(string ns, JsonObject pod, string containerName)
    {
        var container = pod.Objects("spec.containers").FirstOrDefault(c => c.Text("name") == containerName);
        if (container is null)
        {
            return null;
        }

        foreach (var env in container.Objects("env"))
        {
            if (Missing(ns, env.At("valueFrom.configMapKeyRef") as JsonObject, ResourceTypes.ConfigMaps, "name", withKey: true) is { } e1)
            {
                return e1;
            }

            if (Missing(ns, env.At("valueFrom.secretKeyRef") as JsonObject, ResourceTypes.Secrets, "name", withKey: true) is { } e2)
            {
                return e2;
            }
        }

        foreach (var from in container.Objects("envFrom"))
        {
            if (Missing(ns, from["configMapRef"] as JsonObject, ResourceTypes.ConfigMaps, "name", withKey: false) is { } e1)
            {
                return e1;
            }

            if (Missing(ns, from["secretRef"] as JsonObject, ResourceTypes.Secrets, "name", withKey: false) is { } e2)
            {
                return e2;
            }
        }

        foreach (var volume in pod.Objects("spec.volumes"))
        {
            if (Missing(ns, volume["configMap"] as JsonObject, ResourceTypes.ConfigMaps, "name", withKey: false) is { } e1)
            {
                return e1;
            }

            if (Missing(ns, volume["secret"] as JsonObject, ResourceTypes.Secrets, "secretName", withKey: false) is { } e2)
            {
                return e2;
            }

            foreach (var source in volume.Objects("projected.sources"))
            {
                if (Missing(ns, source["configMap"] as JsonObject, ResourceTypes.ConfigMaps, "name", withKey: false) is { } e3)
                {
                    return e3;
                }

                if (Missing(ns, source["secret"] as JsonObject, ResourceTypes.Secrets, "name", withKey: false) is { } e4)
                {
                    return e4;
                }
            }
        }

        return null;
    }

    private string? Missing(string ns, JsonObject? reference, ResourceType type, string nameField, bool withKey)
    {
        if (reference is null || reference.Bool("optional") == true || reference.Text(nameField) is not { Length: > 0 } refName)
        {
            return null;
        }

        var obj = _store.Get(type, ns, refName);
        var kind = type == ResourceTypes.ConfigMaps ? "configmap" : "secret";
        if (obj is null)
        {
            return $"{kind} \"{refName}\" not found";
        }

        if (withKey && reference.Text("key") is { } k && Entry(obj, "data", k) is null && Entry(obj, "binaryData", k) is null && Entry(obj, "stringData", k) is null)
        {
            return $"couldn't find key {k} in {(type == ResourceTypes.ConfigMaps ? "ConfigMap" : "Secret")} {ns}/{refName}";
        }

        return null;
    }

    /// <summary>
    /// A container's environment as a kubelet builds it when the container starts: every <c>envFrom</c> source in order
    /// (a ConfigMap's data, a Secret's data decoded from base64, each key behind the source's <c>prefix</c>), then every
    /// <c>env</c> entry in order, a later definition winning over an earlier one: a <c>value</c>, with its <c>$(NAME)</c>
    /// references to what is defined so far expanded (<c>$$</c> is a literal <c>$</c>; an unknown name stays as written),
    /// or <c>valueFrom</c> a ConfigMap key, a Secret key (decoded) or a field of the pod (<c>metadata.name</c>,
    /// <c>metadata.namespace</c>, <c>metadata.uid</c>, <c>spec.nodeName</c>, <c>spec.serviceAccountName</c>). A source or
    /// key that is not there (the container would not have started) or not valid base64 is left out.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="containerName">The container (or init container) whose environment it is.</param>
    /// <param name="get">Reads a ConfigMap or Secret of the pod's namespace by name; null when there is none.</param>
    internal static IReadOnlyDictionary<string, string> ContainerEnvironment(JsonObject pod, string containerName, Func<ResourceType, string, JsonObject?> get)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var container = pod.Objects("spec.containers").Concat(pod.Objects("spec.initContainers")).FirstOrDefault(c => c.Text("name") == containerName);
        if (container is null)
        {
            return environment;
        }

        foreach (var from in container.Objects("envFrom"))
        {
            var prefix = from.Text("prefix") ?? string.Empty;
            var (type, reference) = from["secretRef"] is JsonObject secret ? (ResourceTypes.Secrets, secret) : (ResourceTypes.ConfigMaps, from["configMapRef"] as JsonObject);
            if (reference?.Text("name") is not { Length: > 0 } name || get(type, name) is not { } source)
            {
                continue;
            }

            foreach (var key in Keys(source))
            {
                if (Value(type, source, key) is { } value)
                {
                    environment[prefix + key] = value;
                }
            }
        }

        foreach (var env in container.Objects("env"))
        {
            if (env.Text("name") is not { Length: > 0 } name)
            {
                continue;
            }

            string? value;
            if (env["valueFrom"] is JsonObject from)
            {
                value = from["secretKeyRef"] is JsonObject secret ? Referenced(ResourceTypes.Secrets, secret)
                    : from["configMapKeyRef"] is JsonObject configMap ? Referenced(ResourceTypes.ConfigMaps, configMap)
                    : from.Text("fieldRef.fieldPath") is { } field ? Field(pod, field)
                    : null;
            }
            else
            {
                value = Expand(env.Text("value") ?? string.Empty, environment);
            }

            if (value is not null)
            {
                environment[name] = value;
            }
        }

        return environment;

        string? Referenced(ResourceType type, JsonObject reference) =>
            reference.Text("name") is { Length: > 0 } name && reference.Text("key") is { } key && get(type, name) is { } source ? Value(type, source, key) : null;
    }

    private static IEnumerable<string> Keys(JsonObject source) =>
        new[] { "data", "binaryData", "stringData" }.SelectMany(map => source[map] is JsonObject entries ? entries.Select(e => e.Key) : []).Distinct(StringComparer.Ordinal);

    // A ConfigMap's data as written, its binaryData and a Secret's data decoded from base64; stringData as written.
    private static string? Value(ResourceType type, JsonObject source, string key)
    {
        if (Entry(source, "stringData", key) is JsonValue text && text.TryGetValue<string>(out var plain))
        {
            return plain;
        }

        var encoded = type == ResourceTypes.Secrets || Entry(source, "data", key) is null;
        if ((Entry(source, "data", key) ?? Entry(source, "binaryData", key)) is not JsonValue value || !value.TryGetValue<string>(out var data))
        {
            return null;
        }

        if (!encoded)
        {
            return data;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // A key of a data map, which may hold dots (tls.key), so not a dotted path.
    private static JsonNode? Entry(JsonObject obj, string map, string key) => (obj[map] as JsonObject)?[key];

    private static string? Field(JsonObject pod, string path) => path switch
    {
        "metadata.name" or "metadata.namespace" or "metadata.uid" or "spec.nodeName" or "spec.serviceAccountName" => pod.Text(path),
        _ => null,
    };

    // Kubernetes' $(VAR) expansion of env values: $$ is a literal $, $(NAME) of a defined variable its value, else kept.
    private static string Expand(string value, IReadOnlyDictionary<string, string> defined)
    {
        var result = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                result.Append(value[i]);
            }
            else if (value[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (value[i + 1] == '(' && value.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = value[(i + 2)..close];
                result.Append(defined.TryGetValue(name, out var known) ? known : value[i..(close + 1)]);
                i = close;
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }

    private (string? Node, string? Message) ChooseNode(JsonObject pod)
    {
        var (cpu, memory) = Requests(pod);
        var uid = pod.Text("metadata.uid");
        var others = _store.List(ResourceTypes.Pods, null, p =>
            p.Text("metadata.uid") != uid && p.Text("spec.nodeName") is { Length: > 0 } &&
            p.Text("status.phase") is not ("Succeeded" or "Failed"));
        var selector = pod.StringMap("spec.nodeSelector");
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        string? best = null;
        long bestFree = long.MinValue;
        var onlyResources = true;
        foreach (var node in _config.Nodes)
        {
            var nodeObj = _store.Get(ResourceTypes.Nodes, null, node.Name);
            var labels = nodeObj.StringMap("metadata.labels");
            var fails = new List<string>();
            if (selector.Any(s => !labels.TryGetValue(s.Key, out var v) || v != s.Value))
            {
                fails.Add("node(s) didn't match Pod's node affinity/selector");
                onlyResources = false;
            }
            else
            {
                var onNode = others.Where(p => p.Text("spec.nodeName") == node.Name).ToList();
                var usedCpu = onNode.Sum(p => Requests(p).Cpu);
                var usedMemory = onNode.Sum(p => Requests(p).Memory);
                if (usedCpu + cpu > node.MilliCpu)
                {
                    fails.Add("Insufficient cpu");
                }

                if (usedMemory + memory > node.MemoryBytes)
                {
                    fails.Add("Insufficient memory");
                }

                if (onNode.Count + 1 > node.Pods)
                {
                    fails.Add("Too many pods");
                }

                if (fails.Count == 0 && node.MemoryBytes - usedMemory > bestFree)
                {
                    best = node.Name;
                    bestFree = node.MemoryBytes - usedMemory;
                }
            }

            foreach (var f in fails)
            {
                reasons[f] = reasons.GetValueOrDefault(f) + 1;
            }
        }

        if (best is not null)
        {
            return (best, null);
        }

        var n = _config.Nodes.Count.ToString(CultureInfo.InvariantCulture);
        var summary = string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value.ToString(CultureInfo.InvariantCulture)} {r.Key}"));
        var preemption = onlyResources ? "No preemption victims found for incoming pod" : "Preemption is not helpful for scheduling";
        return (null, $"0/{n} nodes are available: {summary}. preemption: 0/{n} nodes are available: {n} {preemption}.");
    }

    /// <summary>Pod requests (millicores, bytes): containers summed, init containers by maximum; limits stand in for missing requests.</summary>
    internal static (long Cpu, long Memory) Requests(JsonObject pod)
    {
        static (long Cpu, long Memory) Of(JsonObject c)
        {
            var cpu = c.Text("resources.requests.cpu") ?? c.Text("resources.limits.cpu");
            var memory = c.Text("resources.requests.memory") ?? c.Text("resources.limits.memory");
            return (cpu is null ? 0 : Quantity.MilliCores(cpu), memory is null ? 0 : Quantity.Bytes(memory));
        }

        var containers = pod.Objects("spec.containers").Select(Of).ToList();
        var init = pod.Objects("spec.initContainers").Select(Of).ToList();
        var cpuSum = containers.Sum(c => c.Cpu);
        var memSum = containers.Sum(c => c.Memory);
        return (Math.Max(cpuSum, init.Count == 0 ? 0 : init.Max(c => c.Cpu)), Math.Max(memSum, init.Count == 0 ? 0 : init.Max(c => c.Memory)));
    }

    private static string QosClass(JsonObject pod)
    {
        var containers = pod.Objects("spec.containers").Concat(pod.Objects("spec.initContainers")).ToList();
        var any = containers.Any(c => c.At("resources.requests") is JsonObject { Count: > 0 } || c.At("resources.limits") is JsonObject { Count: > 0 });
        if (!any)
        {
            return "BestEffort";
        }

        var guaranteed = containers.All(c =>
            c.Text("resources.limits.cpu") is { } lc && c.Text("resources.limits.memory") is { } lm &&
            (c.Text("resources.requests.cpu") ?? lc) == lc && (c.Text("resources.requests.memory") ?? lm) == lm);
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
