using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>The Deployment controller: ReplicaSet per template, rolling or recreate updates, status and conditions.</summary>
public sealed partial class ClusterControllers
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    private void SyncDeployment(string ns, string name)
    {
        var d = _store.Get(ResourceTypes.Deployments, ns, name);
        if (d is null)
        {
            return;
        }

        var uid = d.Text("metadata.uid");
        var now = _time.GetUtcNow();
        var replicas = (int)(d.Long("spec.replicas") ?? 1);
        var template = d.At("spec.template") as JsonObject ?? new JsonObject();
        var paused = d.Bool("spec.paused") == true;
        var recreate = d.Text("spec.strategy.type") == "Recreate";
        var (maxSurge, maxUnavailable) = recreate
            ? (0, replicas)
            : RolloutMath.ResolveFenceposts(d.At("spec.strategy.rollingUpdate.maxSurge"), d.At("spec.strategy.rollingUpdate.maxUnavailable"), replicas);

        var all = OwnedReplicaSets(ns, uid);
        var newRs = all.FirstOrDefault(r => PodTemplateHash.EqualIgnoringHash(r.At("spec.template"), template));
        var old = all.Where(r => r != newRs).ToList();
        var maxOldRevision = old.Count == 0 ? 0 : old.Max(Revision);
        string? createdNew = null;

        if (!paused)
        {
            if (newRs is null)
            {
                var oldActive = old.Any(r => (r.Long("spec.replicas") ?? 0) > 0) ||
                    old.Any(r => OwnedPods(ns, r.Text("metadata.uid")).Any(IsActive));
                if (recreate && oldActive)
                {
                    foreach (var r in old)
                    {
                        ScaleReplicaSet(d, r, 0, now);
                    }
                }
                else
                {
                    var size = recreate ? replicas : RolloutMath.NewReplicaSetSize(replicas, maxSurge, old.Sum(Spec), 0);
                    newRs = CreateReplicaSet(d, template, size, maxOldRevision + 1, replicas, maxSurge, now);
                    createdNew = newRs.Text("metadata.name");
                }
            }
            else
            {
                if (Revision(newRs) <= maxOldRevision)
                {
                    // A rollback to an old template reuses its ReplicaSet with the next revision.
                    var revision = (maxOldRevision + 1).ToString(CultureInfo.InvariantCulture);
                    newRs = _store.Mutate(ResourceTypes.ReplicaSets, ns, newRs.Text("metadata.name")!, r =>
                        r.Obj("metadata").Obj("annotations").SetIfChanged(RevisionAnnotation, revision));
                }

                if (recreate)
                {
                    var oldActive = old.Any(r => Spec(r) > 0) || old.Any(r => OwnedPods(ns, r.Text("metadata.uid")).Any(IsActive));
                    foreach (var r in old)
                    {
                        ScaleReplicaSet(d, r, 0, now);
                    }

                    if (!oldActive)
                    {
                        newRs = ScaleReplicaSet(d, newRs, replicas, now);
                    }
                }
                else
                {
                    var newSpec = Spec(newRs);
                    var target = newSpec > replicas ? replicas : RolloutMath.NewReplicaSetSize(replicas, maxSurge, all.Sum(Spec), newSpec);
                    newRs = ScaleReplicaSet(d, newRs, target, now);
                    var sizes = RolloutMath.OldReplicaSetSizes(
                        old.Select(r => new ReplicaCounts(Spec(r), (int)(r.Long("status.availableReplicas") ?? 0))).ToList(),
                        new ReplicaCounts(Spec(newRs), (int)(newRs.Long("status.availableReplicas") ?? 0)),
                        replicas,
                        maxUnavailable);
                    for (var i = 0; i < old.Count; i++)
                    {
                        old[i] = ScaleReplicaSet(d, old[i], sizes[i], now);
                    }
                }
            }

            CleanupOldReplicaSets(d, ns, uid, newRs);
        }

        UpdateDeploymentStatus(d, newRs?.Text("metadata.name"), createdNew, replicas, maxUnavailable, paused, now);
    }

    private List<JsonObject> OwnedReplicaSets(string ns, string? uid) =>
        _store.List(ResourceTypes.ReplicaSets, ns, r => r.ControllerUid() == uid)
            .OrderBy(Revision)
            .ThenBy(r => r.Text("metadata.creationTimestamp"), StringComparer.Ordinal)
            .ToList();

    private static int Spec(JsonObject rs) => (int)(rs.Long("spec.replicas") ?? 0);

    private static long Revision(JsonObject rs) =>
        long.TryParse(rs.StringMap("metadata.annotations").GetValueOrDefault(RevisionAnnotation), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;

    private JsonObject CreateReplicaSet(JsonObject d, JsonObject template, int size, long revision, int replicas, int maxSurge, DateTimeOffset now)
    {
        var (dName, ns, _) = d.Id();
        var hash = PodTemplateHash.Compute(template);
        var rsName = $"{dName}-{hash}";
        for (var collision = 1; _store.Get(ResourceTypes.ReplicaSets, ns, rsName) is not null && collision < 10; collision++)
        {
            hash = PodTemplateHash.Compute(template, collision);
            rsName = $"{dName}-{hash}";
        }

        var rsTemplate = template.Clone();
        rsTemplate.Obj("metadata").Obj("labels")[PodTemplateHash.Label] = hash;
        var selector = d.At("spec.selector")?.DeepClone() as JsonObject ?? new JsonObject();
        selector.Obj("matchLabels")[PodTemplateHash.Label] = hash;
        var labels = template.At("metadata.labels")?.DeepClone() as JsonObject ?? new JsonObject();
        labels[PodTemplateHash.Label] = hash;
        var annotations = d.At("metadata.annotations")?.DeepClone() as JsonObject ?? new JsonObject();
        annotations.Remove("kubectl.kubernetes.io/last-applied-configuration");
        annotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        annotations["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture);
        annotations["deployment.kubernetes.io/max-replicas"] = (replicas + maxSurge).ToString(CultureInfo.InvariantCulture);
        var spec = new JsonObject
        {
            ["replicas"] = size,
            ["selector"] = selector,
            ["template"] = rsTemplate,
        };
        if (d.Long("spec.minReadySeconds") is { } minReady)
        {
            spec["minReadySeconds"] = minReady;
        }

        var rs = _store.Create(ResourceTypes.ReplicaSets, ns, new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = rsName,
                ["namespace"] = ns,
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["ownerReferences"] = Json.OwnerReference(d),
            },
            ["spec"] = spec,
        });
        if (size > 0)
        {
            _events.Record(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {rsName} from 0 to {size}", null, "deployment-controller", now);
        }

        return rs;
    }

    private JsonObject ScaleReplicaSet(JsonObject d, JsonObject rs, int size, DateTimeOffset now)
    {
        var current = Spec(rs);
        var replicas = (int)(d.Long("spec.replicas") ?? 1);
        var (name, ns, _) = rs.Id();
        var updated = _store.Mutate(ResourceTypes.ReplicaSets, ns, name, r =>
        {
            var changed = r.Obj("spec").SetIfChanged("replicas", size);
            changed |= r.Obj("metadata").Obj("annotations").SetIfChanged("deployment.kubernetes.io/desired-replicas", replicas.ToString(CultureInfo.InvariantCulture));
            return changed;
        });
        if (size != current)
        {
            var verb = size > current ? "up" : "down";
            _events.Record(d, "Normal", "ScalingReplicaSet", $"Scaled {verb} replica set {name} from {current} to {size}", null, "deployment-controller", now);
        }

        return updated;
    }

    private void CleanupOldReplicaSets(JsonObject d, string ns, string? uid, JsonObject? newRs)
    {
        var limit = (int)(d.Long("spec.revisionHistoryLimit") ?? 10);
        var candidates = OwnedReplicaSets(ns, uid)
            .Where(r => r.Text("metadata.uid") != newRs?.Text("metadata.uid"))
            .Where(r => Spec(r) == 0 && (r.Long("status.replicas") ?? 0) == 0 && (r.Long("metadata.generation") ?? 1) <= (r.Long("status.observedGeneration") ?? 0))
            .ToList();
        foreach (var r in candidates.Take(Math.Max(0, candidates.Count - limit)))
        {
            _store.Delete(ResourceTypes.ReplicaSets, ns, r.Text("metadata.name")!);
        }
    }

    private void UpdateDeploymentStatus(JsonObject d, string? newRsName, string? createdNew, int replicas, int maxUnavailable, bool paused, DateTimeOffset now)
    {
        var (name, ns, uid) = d.Id();
        var all = OwnedReplicaSets(ns, uid);
        var newRs = all.FirstOrDefault(r => r.Text("metadata.name") == newRsName);
        var total = (int)all.Sum(r => r.Long("status.replicas") ?? 0);
        var updated = (int)(newRs?.Long("status.replicas") ?? 0);
        var ready = (int)all.Sum(r => r.Long("status.readyReplicas") ?? 0);
        var available = (int)all.Sum(r => r.Long("status.availableReplicas") ?? 0);
        var previous = d["status"] as JsonObject ?? new JsonObject();
        var deadline = d.Long("spec.progressDeadlineSeconds") is { } seconds && seconds < int.MaxValue ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;

        var conditions = previous.Objects("conditions").Select(c => c.Clone()).ToList();
        var availableOk = available >= replicas - maxUnavailable;
        SetDeploymentCondition(conditions, "Available", availableOk ? "True" : "False",
            availableOk ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            availableOk ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, touch: false);

        var progressing = conditions.FirstOrDefault(c => c.Text("type") == "Progressing");
        var rsName = newRsName ?? string.Empty;
        var complete = newRs is not null && RolloutMath.IsComplete(replicas, updated, total, available);
        var madeProgress = updated > (previous.Long("updatedReplicas") ?? 0) ||
            ready > (previous.Long("readyReplicas") ?? 0) ||
            available > (previous.Long("availableReplicas") ?? 0) ||
            total - updated < (previous.Long("replicas") ?? 0) - (previous.Long("updatedReplicas") ?? 0);
        if (paused)
        {
            SetDeploymentCondition(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, touch: true);
        }
        else if (deadline is not null)
        {
            if (progressing?.Text("reason") == "DeploymentPaused")
            {
                SetDeploymentCondition(conditions, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now, touch: true);
                progressing = conditions.First(c => c.Text("type") == "Progressing");
            }

            if (complete)
            {
                SetDeploymentCondition(conditions, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", now, touch: progressing?.Text("reason") != "NewReplicaSetAvailable");
            }
            else if (createdNew is not null)
            {
                SetDeploymentCondition(conditions, "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{createdNew}\"", now, touch: true);
            }
            else if (newRs is not null && (progressing is null || progressing.Text("reason") == "DeploymentResumed"))
            {
                SetDeploymentCondition(conditions, "Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{rsName}\"", now, touch: true);
            }
            else if (newRs is not null && (madeProgress || (progressing?.Text("message")?.Contains($"\"{rsName}\"", StringComparison.Ordinal) == false)))
            {
                SetDeploymentCondition(conditions, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", now, touch: true);
            }
            else if (progressing is not null && progressing.Text("reason") is not ("ProgressDeadlineExceeded" or "NewReplicaSetAvailable") && newRs is not null)
            {
                var since = Json.ParseTime(progressing.Text("lastUpdateTime")) ?? now;
                if (since + deadline.Value <= now)
                {
                    SetDeploymentCondition(conditions, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", now, touch: true);
                    _events.Record(d, "Warning", "ProgressDeadlineExceeded", $"Deployment \"{name}\" has timed out progressing.", null, "deployment-controller", now);
                }
                else
                {
                    WakeAt(new WorkKey(ResourceTypes.Deployments, ns, name), since + deadline.Value);
                }
            }

            var after = conditions.FirstOrDefault(c => c.Text("type") == "Progressing");
            if (!complete && after is not null && after.Text("reason") is not ("ProgressDeadlineExceeded" or "DeploymentPaused" or "NewReplicaSetAvailable") &&
                Json.ParseTime(after.Text("lastUpdateTime")) is { } lastUpdate)
            {
                // Timestamps have whole seconds: wake a second late rather than early.
                WakeAt(new WorkKey(ResourceTypes.Deployments, ns, name), lastUpdate + deadline.Value + TimeSpan.FromSeconds(1));
            }
        }

        // Available first, then Progressing, as kubectl shows them.
        var ordered = new JsonArray(conditions
            .OrderBy(c => c.Text("type") switch { "Available" => 0, "Progressing" => 1, _ => 2 })
            .Select(c => (JsonNode)c).ToArray());
        var status = new JsonObject
        {
            ["observedGeneration"] = d.Long("metadata.generation") ?? 1,
            ["replicas"] = total,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, replicas - available),
            ["conditions"] = ordered,
        };
        WriteWorkloadStatus(ResourceTypes.Deployments, ns, name, uid, status);
    }

    private static void SetDeploymentCondition(List<JsonObject> conditions, string type, string status, string reason, string message, DateTimeOffset now, bool touch)
    {
        var existing = conditions.FirstOrDefault(c => c.Text("type") == type);
        var stamp = Json.Time(now);
        if (existing is null)
        {
            conditions.Add(new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["lastUpdateTime"] = stamp,
                ["lastTransitionTime"] = stamp,
                ["reason"] = reason,
                ["message"] = message,
            });
            return;
        }

        var changed = existing.Text("status") != status || existing.Text("reason") != reason || existing.Text("message") != message;
        if (existing.Text("status") != status)
        {
            existing["lastTransitionTime"] = stamp;
        }

        if (changed || touch)
        {
            existing["lastUpdateTime"] = stamp;
        }

        existing["status"] = status;
        existing["reason"] = reason;
        existing["message"] = message;
    }
}
