using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1</c> Table that kubectl asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>, with columns like a real apiserver's.
/// </summary>
internal static partial class Tables
{
    private sealed record Column(string Name, string Type, int Priority, Func<JsonObject, DateTimeOffset, JsonNode?> Cell);

    /// <summary>Whether the Accept header asks for a Table.</summary>
    public static bool Wanted(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    /// <summary>A Table of <paramref name="objects"/>; <paramref name="includeObject"/> is Object, Metadata (default) or None.</summary>
    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, long resourceVersion, string? includeObject, DateTimeOffset now)
    {
        var columns = ColumnsFor(type);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var row = new JsonObject { ["cells"] = new JsonArray(columns.Select(c => c.Cell(obj, now)).ToArray()) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Name == "Name" ? "name" : string.Empty,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    /// <summary>Kubernetes' short human duration: 45s, 3m20s, 17m, 5h3m, 3d.</summary>
    public static string HumanAge(TimeSpan age)
    {
        var seconds = (long)Math.Max(0, age.TotalSeconds);
        return seconds switch
        {
            < 120 => $"{seconds}s",
            < 600 => seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds / 60}m{seconds % 60}s",
            < 3 * 3600 => $"{seconds / 60}m",
            < 8 * 3600 => (seconds / 60) % 60 == 0 ? $"{seconds / 3600}h" : $"{seconds / 3600}h{(seconds / 60) % 60}m",
            < 48 * 3600 => $"{seconds / 3600}h",
            _ => $"{seconds / 86400}d",
        };
    }

    /// <summary>The STATUS column kubectl shows for a pod (CrashLoopBackOff, ImagePullBackOff, Running, Completed...).</summary>
    public static string PodStatus(JsonObject pod)
    {
        var reason = pod.Text("status.reason") ?? pod.Text("status.phase") ?? "Unknown";
        var initStatuses = pod.At("status") is JsonObject s ? s.Items("initContainerStatuses").ToList() : [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var status = initStatuses[i];
            if (status.Text("state.terminated.exitCode") == "0")
            {
                continue;
            }

            if (status.At("state.terminated") is not null)
            {
                reason = "Init:" + (status.Text("state.terminated.reason") ?? "ExitCode:" + status.Text("state.terminated.exitCode"));
                return reason;
            }

            if (status.Text("state.waiting.reason") is { Length: > 0 } waiting && waiting != "PodInitializing")
            {
                return "Init:" + waiting;
            }

            return $"Init:{i}/{initStatuses.Count}";
        }

        var hasRunning = false;
        var statuses = pod.At("status") is JsonObject st ? st.Items("containerStatuses").Reverse().ToList() : [];
        foreach (var status in statuses)
        {
            if (status.Text("state.waiting.reason") is { Length: > 0 } waiting)
            {
                reason = waiting;
            }
            else if (status.At("state.terminated") is not null)
            {
                reason = status.Text("state.terminated.reason") ??
                    (status.Text("state.terminated.signal") is { } signal ? "Signal:" + signal : "ExitCode:" + status.Text("state.terminated.exitCode"));
            }
            else if (status.At("state.running") is not null && status.Text("ready") == "true")
            {
                hasRunning = true;
            }
        }

        if (reason == "Completed" && hasRunning)
        {
            var ready = pod.At("status") is JsonObject ps && ps.Items("conditions").Any(c => c.Text("type") == "Ready" && c.Text("status") == "True");
            reason = ready ? "Running" : "NotReady";
        }

        return pod.At("metadata.deletionTimestamp") is not null ? "Terminating" : reason;
    }

    private static Column Name() => new("Name", "string", 0, (o, _) => o.Text("metadata.name"));

    private static Column Age() => new("Age", "string", 0, (o, now) => AgeOf(o.Text("metadata.creationTimestamp"), now));

    private static Column Text(string name, string path, int priority = 0) => new(name, "string", priority, (o, _) => o.Text(path) ?? "<none>");

    private static Column Number(string name, string path, int priority = 0) => new(name, "integer", priority, (o, _) => o.Long(path) ?? 0);

    private static string AgeOf(string? timestamp, DateTimeOffset now) =>
        DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? HumanAge(now - t) : "<unknown>";

    private static IReadOnlyList<Column> ColumnsFor(ResourceType type)
    {
        if (type == ResourceTypes.CustomResourceDefinitions)
        {
            // The apiextensions apiserver's default table: the creation time as it is stored, not an age.
            return [Name(), new("Created At", "date", 0, (o, _) => o.Text("metadata.creationTimestamp"))];
        }

        if (type.IsCustom)
        {
            // As the apiextensions apiserver prints them: the name, the declared columns, then the age unless declared.
            var declared = type.PrinterColumns.Select(c => new Column(c.Name, c.Type == "date" ? "date" : c.Type, c.Priority, (o, now) => PrinterCell(o, c, now))).ToList();
            return [Name(), .. declared, .. declared.Any(c => c.Name == "Age") ? Array.Empty<Column>() : [Age()]];
        }

        if (type == ResourceTypes.Pods)
        {
            return
            [
                Name(),
                new("Ready", "string", 0, (o, _) =>
                {
                    var statuses = o.At("status") is JsonObject s ? s.Items("containerStatuses").ToList() : [];
                    var total = o.At("spec") is JsonObject spec ? spec.Items("containers").Count() : statuses.Count;
                    return $"{statuses.Count(c => c.Text("ready") == "true")}/{total}";
                }),
                new("Status", "string", 0, (o, _) => PodStatus(o)),
                new("Restarts", "string", 0, (o, _) =>
                    (o.At("status") is JsonObject s ? s.Items("containerStatuses").Sum(c => c.Long("restartCount") ?? 0) : 0).ToString(CultureInfo.InvariantCulture)),
                Age(),
                Text("IP", "status.podIP", 1),
                Text("Node", "spec.nodeName", 1),
                Text("Nominated Node", "status.nominatedNodeName", 1),
                new("Readiness Gates", "string", 1, (_, _) => "<none>"),
            ];
        }

        if (type == ResourceTypes.Deployments)
        {
            return
            [
                Name(),
                new("Ready", "string", 0, (o, _) => $"{o.Long("status.readyReplicas") ?? 0}/{o.Long("spec.replicas") ?? 0}"),
                Number("Up-to-date", "status.updatedReplicas"),
                Number("Available", "status.availableReplicas"),
                Age(),
                new("Containers", "string", 1, (o, _) => Join(o, "spec.template.spec", "name")),
                new("Images", "string", 1, (o, _) => Join(o, "spec.template.spec", "image")),
                new("Selector", "string", 1, (o, _) => Selector(o)),
            ];
        }

        if (type == ResourceTypes.ReplicaSets)
        {
            return
            [
                Name(), Number("Desired", "spec.replicas"), Number("Current", "status.replicas"), Number("Ready", "status.readyReplicas"), Age(),
                new("Containers", "string", 1, (o, _) => Join(o, "spec.template.spec", "name")),
                new("Images", "string", 1, (o, _) => Join(o, "spec.template.spec", "image")),
                new("Selector", "string", 1, (o, _) => Selector(o)),
            ];
        }

        if (type == ResourceTypes.StatefulSets)
        {
            return [Name(), new("Ready", "string", 0, (o, _) => $"{o.Long("status.readyReplicas") ?? 0}/{o.Long("spec.replicas") ?? 0}"), Age()];
        }

        if (type == ResourceTypes.DaemonSets)
        {
            return
            [
                Name(), Number("Desired", "status.desiredNumberScheduled"), Number("Current", "status.currentNumberScheduled"),
                Number("Ready", "status.numberReady"), Number("Up-to-date", "status.updatedNumberScheduled"),
                Number("Available", "status.numberAvailable"),
                new("Node Selector", "string", 0, (o, _) => string.Join(',', o.StringMap("spec.template.spec.nodeSelector").Select(p => $"{p.Key}={p.Value}")) is { Length: > 0 } s ? s : "<none>"),
                Age(),
            ];
        }

        if (type == ResourceTypes.Jobs)
        {
            return
            [
                Name(),
                new("Status", "string", 0, (o, _) => JobStatus(o)),
                new("Completions", "string", 0, (o, _) => $"{o.Long("status.succeeded") ?? 0}/{o.Long("spec.completions") ?? 1}"),
                new("Duration", "string", 0, (o, now) => Duration(o, now)),
                Age(),
            ];
        }

        if (type == ResourceTypes.Services)
        {
            return
            [
                Name(), Text("Type", "spec.type"), Text("Cluster-IP", "spec.clusterIP"),
                new("External-IP", "string", 0, (o, _) => o.Text("spec.externalName") ??
                    ((o.At("status.loadBalancer") as JsonObject).Items("ingress").Select(i => i.Text("ip") ?? i.Text("hostname")).FirstOrDefault() ??
                    (o.Text("spec.type") == "LoadBalancer" ? "<pending>" : "<none>"))),
                new("Port(s)", "string", 0, (o, _) => (o.At("spec") as JsonObject).Items("ports")
                    .Select(p => p.Long("nodePort") is { } np ? $"{p.Long("port")}:{np}/{p.Text("protocol")}" : $"{p.Long("port")}/{p.Text("protocol")}")
                    .DefaultIfEmpty("<none>").Aggregate((a, b) => a + "," + b)),
                Age(),
                new("Selector", "string", 1, (o, _) => string.Join(',', o.StringMap("spec.selector").Select(p => $"{p.Key}={p.Value}")) is { Length: > 0 } s ? s : "<none>"),
            ];
        }

        if (type == ResourceTypes.Events)
        {
            return
            [
                new("Last Seen", "string", 0, (o, now) => AgeOf(o.Text("lastTimestamp") ?? o.Text("eventTime") ?? o.Text("metadata.creationTimestamp"), now)),
                Text("Type", "type"),
                Text("Reason", "reason"),
                new("Object", "string", 0, (o, _) => $"{o.Text("involvedObject.kind")?.ToLowerInvariant()}/{o.Text("involvedObject.name")}"),
                Text("Subobject", "involvedObject.fieldPath", 1),
                new("Source", "string", 1, (o, _) => o.Text("source.component") ?? o.Text("reportingComponent") ?? string.Empty),
                Text("Message", "message"),
                new("First Seen", "string", 1, (o, now) => AgeOf(o.Text("firstTimestamp") ?? o.Text("metadata.creationTimestamp"), now)),
                new("Count", "integer", 1, (o, _) => o.Long("count") ?? 1),
                new("Name", "string", 1, (o, _) => o.Text("metadata.name")),
            ];
        }

        if (type == ResourceTypes.ConfigMaps)
        {
            return [Name(), new("Data", "integer", 0, (o, _) => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0)), Age()];
        }

        if (type == ResourceTypes.Secrets)
        {
            return [Name(), Text("Type", "type"), new("Data", "integer", 0, (o, _) => (o["data"] as JsonObject)?.Count ?? 0), Age()];
        }

        if (type == ResourceTypes.Namespaces)
        {
            return [Name(), Text("Status", "status.phase"), Age()];
        }

        if (type == ResourceTypes.ServiceAccounts)
        {
            return [Name(), new("Secrets", "integer", 0, (o, _) => (o["secrets"] as JsonArray)?.Count ?? 0), Age()];
        }

        if (type == ResourceTypes.PersistentVolumeClaims)
        {
            return
            [
                Name(), Text("Status", "status.phase"), new("Volume", "string", 0, (o, _) => o.Text("spec.volumeName") ?? string.Empty),
                new("Capacity", "string", 0, (o, _) => o.Text("status.capacity.storage") ?? string.Empty),
                new("Access Modes", "string", 0, (o, _) => string.Join(',', (o.At("spec.accessModes") as JsonArray ?? []).Select(m => m?.GetValue<string>() switch
                {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    "ReadWriteOncePod" => "RWOP",
                    var other => other,
                }))),
                new("StorageClass", "string", 0, (o, _) => o.Text("spec.storageClassName") ?? "<unset>"),
                Age(),
            ];
        }

        if (type == ResourceTypes.Nodes)
        {
            return
            [
                Name(),
                new("Status", "string", 0, (o, _) => (o.At("status") as JsonObject).Items("conditions").Any(c => c.Text("type") == "Ready" && c.Text("status") == "True") ? "Ready" : "NotReady"),
                new("Roles", "string", 0, (o, _) => string.Join(',', o.StringMap("metadata.labels").Keys
                    .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..])) is { Length: > 0 } r ? r : "<none>"),
                Age(),
                new("Version", "string", 0, (o, _) => o.Text("status.nodeInfo.kubeletVersion") ?? "v1.32.3"),
            ];
        }

        return [Name(), Age()];
    }

    /// <summary>A printer column's cell: its JSONPath (dotted fields, and a <c>[?(@.key=="value")]</c> filter on a list) read
    /// from the object; a date as an age; empty when absent.</summary>
    private static JsonNode? PrinterCell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        JsonNode? node = obj;
        foreach (var step in PrinterSteps().Matches(column.JsonPath).Select(m => m.Value))
        {
            if (step.StartsWith('[') && PrinterFilter().Match(step) is { Success: true } filter)
            {
                node = (node as JsonArray)?.OfType<JsonObject>().FirstOrDefault(i => i.Text(filter.Groups[1].Value) == filter.Groups[2].Value);
            }
            else
            {
                node = node is JsonObject o ? o[step] : null;
            }
        }

        return node switch
        {
            null => column.Type is "integer" or "number" ? null : string.Empty,
            JsonValue v when column.Type == "date" => AgeOf(v.ToString(), now),
            JsonValue v => v.DeepClone(),
            _ => node.ToJsonString(),
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\[\?\(@\.[^)]*\)\]|[^.\[\]]+")]
    private static partial System.Text.RegularExpressions.Regex PrinterSteps();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\[\?\(@\.([\w.-]+)\s*==\s*[""']([^""']*)[""']\)\]$")]
    private static partial System.Text.RegularExpressions.Regex PrinterFilter();

    private static string Join(JsonObject obj, string podSpecPath, string field) =>
        string.Join(',', (obj.At(podSpecPath) as JsonObject).Items("containers").Select(c => c.Text(field)));

    private static string Selector(JsonObject obj) =>
        string.Join(',', obj.StringMap("spec.selector.matchLabels").Select(p => $"{p.Key}={p.Value}"));

    private static string JobStatus(JsonObject job)
    {
        var conditions = (job.At("status") as JsonObject).Items("conditions").Where(c => c.Text("status") == "True").Select(c => c.Text("type")).ToList();
        return conditions.Contains("Complete") ? "Complete"
            : conditions.Contains("Failed") ? "Failed"
            : conditions.Contains("Suspended") ? "Suspended"
            : "Running";
    }

    private static string Duration(JsonObject job, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(job.Text("status.startTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            return string.Empty;
        }

        var end = DateTimeOffset.TryParse(job.Text("status.completionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var done) ? done : now;
        return HumanAge(end - start);
    }
}
