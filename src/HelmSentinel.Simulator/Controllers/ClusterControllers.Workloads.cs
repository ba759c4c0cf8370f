using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>The StatefulSet, DaemonSet and Job controllers and the PVC binder.</summary>
public sealed partial class ClusterControllers
{
    private const string RevisionHashLabel = "controller-revision-hash";

    private void SyncStatefulSet(string ns, string name)
    {
        var set = _store.Get(ResourceTypes.StatefulSets, ns, name);
        if (set is null)
        {
            return;
        }

        var uid = set.Text("metadata.uid");
        var now = _time.GetUtcNow();
        var replicas = (int)(set.Long("spec.replicas") ?? 1);
        var ordered = set.Text("spec.podManagementPolicy") != "Parallel";
        var updateRevision = $"{name}-{PodTemplateHash.Compute(set.At("spec.template"))}";
        var currentRevision = set.Text("status.currentRevision") ?? updateRevision;
        var partition = (int)(set.Long("spec.updateStrategy.rollingUpdate.partition") ?? 0);
        var onDelete = set.Text("spec.updateStrategy.type") == "OnDelete";
        var pods = OwnedPods(ns, uid).ToDictionary(p => Ordinal(p.Text("metadata.name")!, name));

        // Failed pods are replaced.
        foreach (var (_, failed) in pods.Where(p => p.Value.Text("status.phase") == "Failed").ToList())
        {
            _store.Delete(ResourceTypes.Pods, ns, failed.Text("metadata.name")!);
            pods.Remove(Ordinal(failed.Text("metadata.name")!, name));
        }

        for (var i = 0; i < replicas; i++)
        {
            if (!pods.TryGetValue(i, out var pod))
            {
                EnsureClaims(set, i);
                var podName = $"{name}-{i.ToString(CultureInfo.InvariantCulture)}";
                var revision = i < partition && pods.Count > 0 ? currentRevision : updateRevision;
                var ordinal = i;
                CreatePodFromTemplate(set, podName, p =>
                {
                    var labels = p.Obj("metadata").Obj("labels");
                    labels[RevisionHashLabel] = revision;
                    labels["statefulset.kubernetes.io/pod-name"] = podName;
                    labels["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture);
                    var spec = p.Obj("spec");
                    spec["hostname"] = podName;
                    if (set.Text("spec.serviceName") is { Length: > 0 } service)
                    {
                        spec["subdomain"] = service;
                    }

                    foreach (var claim in set.Objects("spec.volumeClaimTemplates"))
                    {
                        var claimName = claim.Text("metadata.name");
                        var volumes = spec["volumes"] as JsonArray ?? [];
                        spec["volumes"] = volumes;
                        if (!volumes.OfType<JsonObject>().Any(v => v.Text("name") == claimName))
                        {
                            volumes.Add(new JsonObject
                            {
                                ["name"] = claimName,
                                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{claimName}-{podName}" },
                            });
                        }
                    }
                });
                _events.Record(set, "Normal", "SuccessfulCreate", $"create Pod {podName} in StatefulSet {name} successful", null, "statefulset-controller", now);
                if (ordered)
                {
                    break;
                }

                continue;
            }

            if (ordered && !IsPodReady(pod))
            {
                break;
            }
        }

        var allReady = Enumerable.Range(0, replicas).All(i => pods.TryGetValue(i, out var p) && IsPodReady(p));
        var extra = pods.Keys.Where(k => k >= replicas).OrderDescending().ToList();
        if (extra.Count > 0 && (!ordered || allReady))
        {
            foreach (var k in ordered ? extra.Take(1) : extra)
            {
                var podName = pods[k].Text("metadata.name")!;
                _store.Delete(ResourceTypes.Pods, ns, podName);
                _events.Record(set, "Normal", "SuccessfulDelete", $"delete Pod {podName} in StatefulSet {name} successful", null, "statefulset-controller", now);
            }
        }
        else if (!onDelete && allReady && extra.Count == 0)
        {
            var stale = pods.Where(p => p.Key >= partition && p.Key < replicas && p.Value.StringMap("metadata.labels").GetValueOrDefault(RevisionHashLabel) != updateRevision)
                .OrderByDescending(p => p.Key).Select(p => p.Value).FirstOrDefault();
            if (stale is not null)
            {
                var podName = stale.Text("metadata.name")!;
                _store.Delete(ResourceTypes.Pods, ns, podName);
                _events.Record(set, "Normal", "SuccessfulDelete", $"delete Pod {podName} in StatefulSet {name} successful", null, "statefulset-controller", now);
            }
        }

        var active = OwnedPods(ns, uid).Where(IsActive).ToList();
        var updated = active.Count(p => p.StringMap("metadata.labels").GetValueOrDefault(RevisionHashLabel) == updateRevision);
        var ready = active.Count(IsPodReady);
        if (updated == replicas && ready == replicas && active.Count == replicas)
        {
            currentRevision = updateRevision;
        }

        var status = new JsonObject
        {
            ["observedGeneration"] = set.Long("metadata.generation") ?? 1,
            ["replicas"] = active.Count,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = active.Count(p => p.StringMap("metadata.labels").GetValueOrDefault(RevisionHashLabel) == currentRevision),
            ["updatedReplicas"] = updated,
            ["availableReplicas"] = ready,
            ["currentRevision"] = currentRevision,
            ["updateRevision"] = updateRevision,
            ["collisionCount"] = 0,
        };
        WriteWorkloadStatus(ResourceTypes.StatefulSets, ns, name, uid, status);
    }

    private static int Ordinal(string podName, string setName) =>
        int.TryParse(podName.AsSpan(setName.Length + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : -1;

    private void EnsureClaims(JsonObject set, int ordinal)
    {
        var (name, ns, _) = set.Id();
        foreach (var claim in set.Objects("spec.volumeClaimTemplates"))
        {
            var claimName = $"{claim.Text("metadata.name")}-{name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
            var labels = set.At("spec.selector.matchLabels")?.DeepClone() as JsonObject ?? new JsonObject();
            CreateIfMissing(ResourceTypes.PersistentVolumeClaims, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PersistentVolumeClaim",
                ["metadata"] = new JsonObject { ["name"] = claimName, ["namespace"] = ns, ["labels"] = labels },
                ["spec"] = claim["spec"]?.DeepClone() ?? new JsonObject(),
            });
        }
    }

    private void SyncDaemonSet(string ns, string name)
    {
        var ds = _store.Get(ResourceTypes.DaemonSets, ns, name);
        if (ds is null)
        {
            return;
        }

        var uid = ds.Text("metadata.uid");
        var now = _time.GetUtcNow();
        var hash = PodTemplateHash.Compute(ds.At("spec.template"));
        var nodes = _config.Nodes.Select(n => n.Name).ToList();
        var selector = ds.StringMap("spec.template.spec.nodeSelector");
        nodes = nodes.Where(n => selector.Count == 0 || selector.All(s => _store.Get(ResourceTypes.Nodes, null, n).StringMap("metadata.labels").GetValueOrDefault(s.Key) == s.Value)).ToList();
        var pods = OwnedPods(ns, uid).Where(IsActive).ToList();
        foreach (var node in nodes)
        {
            var onNode = pods.Where(p => p.Text("spec.nodeName") == node).ToList();
            if (onNode.Count == 0)
            {
                var pod = CreatePodFromTemplate(ds, $"{name}-{RandomSuffix()}", p =>
                {
                    p.Obj("metadata").Obj("labels")[RevisionHashLabel] = hash;
                    p.Obj("spec")["nodeName"] = node;
                });
                _events.Record(ds, "Normal", "SuccessfulCreate", $"Created pod: {pod.Text("metadata.name")}", null, "daemonset-controller", now);
            }

            foreach (var surplus in onNode.Skip(1))
            {
                _store.Delete(ResourceTypes.Pods, ns, surplus.Text("metadata.name")!);
            }
        }

        foreach (var stray in pods.Where(p => !nodes.Contains(p.Text("spec.nodeName") ?? string.Empty)))
        {
            _store.Delete(ResourceTypes.Pods, ns, stray.Text("metadata.name")!);
        }

        pods = OwnedPods(ns, uid).Where(IsActive).ToList();
        var maxUnavailable = RolloutMath.Scaled(ds.At("spec.updateStrategy.rollingUpdate.maxUnavailable") ?? 1, nodes.Count, roundUp: false);
        if (ds.Text("spec.updateStrategy.type") != "OnDelete" && pods.Count(p => !IsPodReady(p)) < Math.Max(1, maxUnavailable))
        {
            var stale = pods.FirstOrDefault(p => p.StringMap("metadata.labels").GetValueOrDefault(RevisionHashLabel) != hash);
            if (stale is not null)
            {
                _store.Delete(ResourceTypes.Pods, ns, stale.Text("metadata.name")!);
                _events.Record(ds, "Normal", "SuccessfulDelete", $"Deleted pod: {stale.Text("metadata.name")}", null, "daemonset-controller", now);
            }
        }

        pods = OwnedPods(ns, uid).Where(IsActive).ToList();
        var ready = pods.Count(IsPodReady);
        var status = new JsonObject
        {
            ["observedGeneration"] = ds.Long("metadata.generation") ?? 1,
            ["desiredNumberScheduled"] = nodes.Count,
            ["currentNumberScheduled"] = pods.Count,
            ["numberMisscheduled"] = 0,
            ["numberReady"] = ready,
            ["updatedNumberScheduled"] = pods.Count(p => p.StringMap("metadata.labels").GetValueOrDefault(RevisionHashLabel) == hash),
            ["numberAvailable"] = ready,
            ["numberUnavailable"] = Math.Max(0, nodes.Count - ready),
        };
        WriteWorkloadStatus(ResourceTypes.DaemonSets, ns, name, uid, status);
    }

    private void SyncJob(string ns, string name)
    {
        var job = _store.Get(ResourceTypes.Jobs, ns, name);
        if (job is null)
        {
            return;
        }

        var uid = job.Text("metadata.uid");
        var now = _time.GetUtcNow();
        var finished = job.Objects("status.conditions").Any(c => c.Text("type") is "Complete" or "Failed" && c.Text("status") == "True");
        var pods = OwnedPods(ns, uid);
        var succeeded = pods.Count(p => p.Text("status.phase") == "Succeeded");
        var failedPods = pods.Count(p => p.Text("status.phase") == "Failed");
        var restarts = pods.Sum(p => p.Objects("status.containerStatuses").Sum(c => c.Long("restartCount") ?? 0));
        var completions = (int)(job.Long("spec.completions") ?? 1);
        var parallelism = (int)(job.Long("spec.parallelism") ?? 1);
        var backoffLimit = job.Long("spec.backoffLimit") ?? 6;
        var status = new JsonObject
        {
            ["startTime"] = job.Text("status.startTime") ?? Json.Time(now),
        };
        var conditions = job.Objects("status.conditions").Select(c => (JsonNode)c.Clone()).ToList();
        if (!finished && job.Bool("spec.suspend") != true)
        {
            if (succeeded >= completions)
            {
                conditions.Add(JobCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now));
                conditions.Add(JobCondition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
                status["completionTime"] = Json.Time(now);
                _events.Record(job, "Normal", "Completed", "Job completed", null, "job-controller", now);
                finished = true;
            }
            else if (failedPods + restarts > backoffLimit)
            {
                foreach (var p in pods.Where(IsActive))
                {
                    _store.Delete(ResourceTypes.Pods, ns, p.Text("metadata.name")!);
                }

                conditions.Add(JobCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now));
                conditions.Add(JobCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now));
                _events.Record(job, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", null, "job-controller", now);
                finished = true;
            }
            else
            {
                var active = pods.Count(IsActive);
                var want = Math.Min(parallelism, completions - succeeded) - active;
                for (var i = 0; i < want; i++)
                {
                    var pod = CreatePodFromTemplate(job, $"{name}-{RandomSuffix()}", null);
                    _events.Record(job, "Normal", "SuccessfulCreate", $"Created pod: {pod.Text("metadata.name")}", null, "job-controller", now);
                }
            }
        }

        pods = OwnedPods(ns, uid);
        status["active"] = finished ? 0 : pods.Count(IsActive);
        status["succeeded"] = pods.Count(p => p.Text("status.phase") == "Succeeded");
        status["failed"] = pods.Count(p => p.Text("status.phase") == "Failed");
        status["ready"] = pods.Count(IsPodReady);
        status["terminating"] = 0;
        status["uncountedTerminatedPods"] = new JsonObject();
        if (conditions.Count > 0)
        {
            status["conditions"] = new JsonArray([.. conditions]);
        }

        if (job.Text("status.completionTime") is { } done)
        {
            status["completionTime"] = done;
        }

        WriteWorkloadStatus(ResourceTypes.Jobs, ns, name, uid, status);
    }

    private static JsonObject JobCondition(string type, string reason, string message, DateTimeOffset now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = Json.Time(now),
        ["lastTransitionTime"] = Json.Time(now),
        ["reason"] = reason,
        ["message"] = message,
    };

    private void SyncPersistentVolumeClaim(string ns, string name)
    {
        var pvc = _store.Get(ResourceTypes.PersistentVolumeClaims, ns, name);
        if (pvc is null || pvc.Text("status.phase") == "Bound")
        {
            return;
        }

        var uid = pvc.Text("metadata.uid");
        _store.Mutate(ResourceTypes.PersistentVolumeClaims, ns, name, p =>
        {
            if (p.Text("metadata.uid") != uid)
            {
                return false;
            }

            p.Obj("spec")["volumeName"] = $"pvc-{uid}";
            p.Obj("spec")["storageClassName"] ??= "standard";
            var annotations = p.Obj("metadata").Obj("annotations");
            annotations["pv.kubernetes.io/bind-completed"] = "yes";
            annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
            var status = p.Obj("status");
            status["phase"] = "Bound";
            status["accessModes"] = p.At("spec.accessModes")?.DeepClone() ?? new JsonArray("ReadWriteOnce");
            status["capacity"] = new JsonObject { ["storage"] = p.Text("spec.resources.requests.storage") ?? "1Gi" };
            return true;
        });
    }
}
