using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>The ReplicaSet controller and helpers shared by the workload controllers.</summary>
public sealed partial class ClusterControllers
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private void SyncReplicaSet(string ns, string name)
    {
        var rs = _store.Get(ResourceTypes.ReplicaSets, ns, name);
        if (rs is null)
        {
            return;
        }

        var uid = rs.Text("metadata.uid");
        var desired = (int)(rs.Long("spec.replicas") ?? 1);
        var pods = OwnedPods(ns, uid);
        var active = pods.Where(IsActive).ToList();
        var now = _time.GetUtcNow();
        if (active.Count < desired)
        {
            for (var i = active.Count; i < desired; i++)
            {
                var pod = CreatePodFromTemplate(rs, $"{name}-{RandomSuffix()}", null);
                _events.Record(rs, "Normal", "SuccessfulCreate", $"Created pod: {pod.Text("metadata.name")}", null, "replicaset-controller", now);
            }
        }
        else if (active.Count > desired)
        {
            var victims = active
                .OrderBy(p => string.IsNullOrEmpty(p.Text("spec.nodeName")) ? 0 : p.Text("status.phase") == "Pending" ? 1 : IsPodReady(p) ? 3 : 2)
                .ThenByDescending(p => p.Text("metadata.creationTimestamp"), StringComparer.Ordinal)
                .Take(active.Count - desired);
            foreach (var victim in victims)
            {
                _store.Delete(ResourceTypes.Pods, ns, victim.Text("metadata.name")!);
                _events.Record(rs, "Normal", "SuccessfulDelete", $"Deleted pod: {victim.Text("metadata.name")}", null, "replicaset-controller", now);
            }
        }

        active = OwnedPods(ns, uid).Where(IsActive).ToList();
        var templateLabels = rs.StringMap("spec.template.metadata.labels");
        var minReady = TimeSpan.FromSeconds(rs.Long("spec.minReadySeconds") ?? 0);
        var status = new JsonObject
        {
            ["replicas"] = active.Count,
            ["fullyLabeledReplicas"] = active.Count(p => templateLabels.All(l => p.StringMap("metadata.labels").GetValueOrDefault(l.Key) == l.Value)),
            ["readyReplicas"] = active.Count(IsPodReady),
            ["availableReplicas"] = active.Count(p => IsPodAvailable(p, minReady, now, new WorkKey(ResourceTypes.ReplicaSets, ns, name))),
            ["observedGeneration"] = rs.Long("metadata.generation") ?? 1,
        };
        WriteWorkloadStatus(ResourceTypes.ReplicaSets, ns, name, uid, status);
    }

    private void WriteWorkloadStatus(ResourceType type, string ns, string name, string? uid, JsonObject status)
    {
        try
        {
            _store.Mutate(type, ns, name, o =>
            {
                if (o.Text("metadata.uid") != uid)
                {
                    return false;
                }

                var current = o["status"] as JsonObject ?? new JsonObject();
                var changed = false;
                foreach (var (k, v) in status)
                {
                    changed |= current.SetIfChanged(k, v?.DeepClone());
                }

                o["status"] = current;
                return changed;
            });
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }

    private List<JsonObject> OwnedPods(string ns, string? uid) =>
        _store.List(ResourceTypes.Pods, ns, p => p.ControllerUid() == uid).ToList();

    private static bool IsActive(JsonObject pod) =>
        pod.Text("status.phase") is not ("Succeeded" or "Failed") && pod.At("metadata.deletionTimestamp") is null;

    private static bool IsPodReady(JsonObject pod) =>
        pod.Objects("status.conditions").Any(c => c.Text("type") == "Ready" && c.Text("status") == "True");

    private bool IsPodAvailable(JsonObject pod, TimeSpan minReady, DateTimeOffset now, WorkKey recheck)
    {
        var ready = pod.Objects("status.conditions").FirstOrDefault(c => c.Text("type") == "Ready" && c.Text("status") == "True");
        if (ready is null)
        {
            return false;
        }

        if (minReady <= TimeSpan.Zero)
        {
            return true;
        }

        var since = Json.ParseTime(ready.Text("lastTransitionTime")) ?? now;
        if (since + minReady <= now)
        {
            return true;
        }

        WakeAt(recheck, since + minReady);
        return false;
    }

    /// <summary>Creates a pod from a workload's template, owned by it.</summary>
    private JsonObject CreatePodFromTemplate(JsonObject owner, string podName, Action<JsonObject>? customize)
    {
        var ns = owner.Text("metadata.namespace")!;
        var template = owner.At("spec.template") as JsonObject ?? new JsonObject();
        var meta = new JsonObject
        {
            ["name"] = podName,
            ["namespace"] = ns,
            ["labels"] = template.At("metadata.labels")?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = Json.OwnerReference(owner),
        };
        if (template.At("metadata.annotations") is JsonObject annotations)
        {
            meta["annotations"] = annotations.DeepClone();
        }

        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
        var spec = (JsonObject)pod["spec"]!;
        spec.Remove("nodeName");
        if (spec["serviceAccountName"] is null)
        {
            spec["serviceAccountName"] = spec.Text("serviceAccount") ?? "default";
            spec["serviceAccount"] = spec["serviceAccountName"]!.DeepClone();
        }

        spec["enableServiceLinks"] ??= true;
        spec["priority"] ??= 0;
        customize?.Invoke(pod);
        return _store.Create(ResourceTypes.Pods, ns, pod);
    }

    private static string RandomSuffix(int length = 5)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = NameAlphabet[Random.Shared.Next(NameAlphabet.Length)];
        }

        return new string(chars);
    }
}
