using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Applies <see cref="FailFastRules"/> to a release's rollout. Pure: from a <see cref="RolloutSnapshot"/>, the
/// <see cref="RolloutMemory"/> of the previous evaluation and the current time, it returns what it found and the
/// memory for the next one; no I/O, no clock, no state of its own.
/// </summary>
/// <remarks>It finds the release's workloads by Helm's ownership annotations (and hook Jobs by Helm's hook
/// annotation), follows them to the pods of their NEW template (a Deployment's newest ReplicaSet, a StatefulSet's
/// <c>status.updateRevision</c>), and skips what belongs to the old revision: objects of the first lists created
/// before <see cref="RolloutSnapshot.CountFrom"/>.</remarks>
/// <param name="release">The Helm release.</param>
/// <param name="namespace">The release namespace.</param>
/// <param name="rules">Thresholds of the fail-fast rules.</param>
internal sealed class RolloutEvaluator(string release, string @namespace, FailFastOptions rules)
{
    private const string ReleaseNameAnnotation = "meta.helm.sh/release-name";
    private const string ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string HookAnnotation = "helm.sh/hook";

    /// <summary>Applies the rules: the fatal pods (or workload), when to look again, and the new memory.</summary>
    public Evaluation Evaluate(RolloutSnapshot snapshot, RolloutMemory memory, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(memory);
        var seen = memory.Seen.ToBuilder();
        var unschedulableSince = memory.UnschedulableSince.ToBuilder();
        DateTimeOffset? wakeAt = null;
        var fatalPods = new List<FailingPod>();
        foreach (var candidate in NewPods(snapshot))
        {
            var uid = candidate.Pod.Metadata.Uid;
            seen[uid] = candidate;
            DateTimeOffset? since = null;
            if (FailFastRules.UnschedulableCondition(candidate.Pod) is not null)
            {
                if (!unschedulableSince.TryGetValue(uid, out var first))
                {
                    first = now;
                    unschedulableSince[uid] = first;
                }

                since = first;
                var at = first + rules.UnschedulableGrace;
                wakeAt = wakeAt is null || at < wakeAt ? at : wakeAt;
            }
            else
            {
                unschedulableSince.Remove(uid);
            }

            if (FailFastRules.Pod(candidate.Pod, rules, now, since) is { } state)
            {
                fatalPods.Add(new FailingPod(candidate.Pod, candidate.Workload, state));
            }
        }

        var next = new RolloutMemory(seen.ToImmutable(), unschedulableSince.ToImmutable());
        var workload = ReleaseWorkloads(snapshot).FirstOrDefault(w => w.Fatal is not null);
        if (fatalPods.Count == 0 && workload.Fatal is null)
        {
            return new Evaluation(next, null, wakeAt);
        }

        if (fatalPods.Count == 0)
        {
            // The workload failed as a whole (a Job past its backoff limit: its pods simply ended in Error):
            // its pods are the evidence, read now, before Helm's hook-delete-policy can remove them.
            fatalPods.AddRange(next.Seen.Values
                .Where(c => c.Workload == workload.Name && !IsReady(c.Pod))
                .OrderByDescending(c => c.Pod.Status?.Phase == "Failed") // the pod watch may lag the Job's: ended pods first
                .ThenBy(c => c.Pod.Metadata.CreationTimestamp)
                .Select(c => new FailingPod(c.Pod, c.Workload, FailFastRules.Pod(c.Pod, rules, now, null) ?? CurrentState(c.Pod))));
        }

        var failed = workload.Fatal is null ? null : new FailedWorkload(workload.Name, workload.Fatal);
        return new Evaluation(next, new Finding(fatalPods, failed), wakeAt);
    }

    /// <summary>What to report when Helm failed by itself: every pod of a new template ever seen that is not ready
    /// (those a rule calls fatal, counting any Unschedulable one as past its grace, then those merely not ready),
    /// and the first release workload that failed as a whole.</summary>
    public Finding Failing(RolloutSnapshot snapshot, RolloutMemory memory, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(memory);
        var pods = memory.Seen.Values
            .Where(c => !IsReady(c.Pod))
            .Select(c => new FailingPod(c.Pod, c.Workload, FailFastRules.Pod(c.Pod, rules, now, DateTimeOffset.MinValue) ?? CurrentState(c.Pod)))
            .OrderBy(f => f.State.Reason == "NotReady" ? 1 : 0)
            .ThenBy(f => f.Pod.Metadata.CreationTimestamp)
            .ThenBy(f => f.Pod.Metadata.Name, StringComparer.Ordinal)
            .ToList();

        // A StatefulSet pod stuck on an older revision (an earlier failure's) blocks the rollout without being of the
        // new template: it is the reason, and the post-mortem names it too.
        var named = pods.Select(p => p.Pod.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var set in snapshot.StatefulSets.Items.Where(s => BelongsToRelease(s.Metadata)))
        {
            foreach (var stuck in StuckPods.Of(set, snapshot.Pods.Items))
            {
                if (snapshot.Pods.Items.FirstOrDefault(p => p.Metadata.Name == stuck.Pod) is { } pod && named.Add(pod.Metadata.Uid))
                {
                    pods.Add(new FailingPod(pod, stuck.Workload, FailFastRules.Pod(pod, rules, now, DateTimeOffset.MinValue) ?? CurrentState(pod)));
                }
            }
        }

        var workload = ReleaseWorkloads(snapshot).FirstOrDefault(w => w.Fatal is not null);
        return new Finding(pods, workload.Fatal is null ? null : new FailedWorkload(workload.Name, workload.Fatal));
    }

    /// <summary>The release's workloads that are not ready, with a short status each: a Deployment, StatefulSet or
    /// DaemonSet with fewer ready replicas than wanted, a Job that failed.</summary>
    public IReadOnlyList<NotReadyWorkload> NotReady(RolloutSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var notReady = new List<NotReadyWorkload>();
        foreach (var (name, obj, _) in ReleaseWorkloads(snapshot))
        {
            var text = obj switch
            {
                // Fewer ready than wanted; a rollout still replacing pods while all wanted replicas are ready is not "not ready".
                V1Deployment d when (d.Status?.ReadyReplicas ?? 0) < (d.Spec?.Replicas ?? 1) =>
                    $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec?.Replicas ?? 1} ready, {d.Status?.UpdatedReplicas ?? 0} updated",
                V1StatefulSet s when (s.Status?.ReadyReplicas ?? 0) < (s.Spec?.Replicas ?? 1) =>
                    $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec?.Replicas ?? 1} ready",
                V1DaemonSet s when s.Status is { } st && st.NumberReady < st.DesiredNumberScheduled =>
                    $"{st.NumberReady}/{st.DesiredNumberScheduled} ready",
                V1Job j when FailFastRules.Job(j) is { } f => f.Describe(),
                _ => null,
            };
            if (text is not null)
            {
                notReady.Add(new NotReadyWorkload(name, text));
            }
        }

        return notReady;
    }

    /// <summary>Pods that belong to the NEW template of a release workload and are the upgrade's: not in a first
    /// list, or created since helm started (less the clock margin); pods being deleted are left out.</summary>
    internal IEnumerable<Candidate> NewPods(RolloutSnapshot snapshot)
    {
        var newReplicaSets = new Dictionary<string, string>(StringComparer.Ordinal); // rs uid -> "Deployment/name"
        var owners = new Dictionary<string, (string Name, string? Revision)>(StringComparer.Ordinal); // owner uid -> name, revision to match
        foreach (var w in ReleaseWorkloads(snapshot))
        {
            switch (w.Object)
            {
                case V1Deployment deployment:
                    var newest = snapshot.ReplicaSets.Items
                        .Where(rs => IsControlledBy(rs.Metadata, deployment.Metadata.Uid))
                        .MaxBy(RevisionOf);
                    if (newest is not null)
                    {
                        newReplicaSets[newest.Metadata.Uid] = w.Name;
                    }

                    break;
                case V1StatefulSet statefulSet:
                    owners[statefulSet.Metadata.Uid] = (w.Name, statefulSet.Status?.UpdateRevision);
                    break;
                default:
                    owners[w.Object.Metadata.Uid] = (w.Name, null);
                    break;
            }
        }

        // Oldest first, then by name: when several pods are fatal at once, the summary names the same one every time.
        foreach (var pod in snapshot.Pods.Items.OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (Preexisting(snapshot.Pods, pod.Metadata, snapshot.CountFrom) || pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var controller = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller is null)
            {
                continue;
            }

            if (newReplicaSets.TryGetValue(controller.Uid, out var deploymentName))
            {
                yield return new Candidate(pod, deploymentName);
            }
            else if (owners.TryGetValue(controller.Uid, out var owner) &&
                     (owner.Revision is null || (pod.Metadata.Labels?.TryGetValue("controller-revision-hash", out var hash) == true && hash == owner.Revision)))
            {
                yield return new Candidate(pod, owner.Name);
            }
        }
    }

    /// <summary>The release's Deployments, StatefulSets, DaemonSets and Jobs (and hook Jobs that are the upgrade's),
    /// each with its workload-level fatal state.</summary>
    private IEnumerable<(string Name, IKubernetesObject<V1ObjectMeta> Object, FatalState? Fatal)> ReleaseWorkloads(RolloutSnapshot snapshot)
    {
        var deployments = snapshot.Deployments;
        foreach (var d in deployments.Items.Where(d => BelongsToRelease(d.Metadata)))
        {
            // A deadline exceeded before this upgrade touched the Deployment says nothing about it.
            var touched = !deployments.InFirstList(d.Metadata.Uid) || d.Metadata.Generation > deployments.FirstListGeneration(d.Metadata.Uid);
            var observed = d.Status?.ObservedGeneration >= d.Metadata.Generation;
            yield return ($"Deployment/{d.Metadata.Name}", d, touched && observed ? FailFastRules.Deployment(d) : null);
        }

        foreach (var s in snapshot.StatefulSets.Items.Where(s => BelongsToRelease(s.Metadata)))
        {
            yield return ($"StatefulSet/{s.Metadata.Name}", s, null);
        }

        foreach (var s in snapshot.DaemonSets.Items.Where(s => BelongsToRelease(s.Metadata)))
        {
            yield return ($"DaemonSet/{s.Metadata.Name}", s, null);
        }

        foreach (var j in snapshot.Jobs.Items.Where(j => !Preexisting(snapshot.Jobs, j.Metadata, snapshot.CountFrom) && (BelongsToRelease(j.Metadata) || j.Metadata.Annotations?.ContainsKey(HookAnnotation) == true)))
        {
            yield return ($"Job/{j.Metadata.Name}", j, FailFastRules.Job(j));
        }
    }

    /// <summary>True for an object of the old revision: in the first list, and created before the upgrade's start
    /// (or that start is not known yet, or the object has no creation time).</summary>
    internal static bool Preexisting<T>(KindSnapshot<T> kind, V1ObjectMeta metadata, DateTimeOffset? countFrom)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        kind.InFirstList(metadata.Uid) &&
        (countFrom is not { } from || metadata.CreationTimestamp is not { } created || DateTime.SpecifyKind(created, DateTimeKind.Utc) < from.UtcDateTime);

    /// <summary>True for an object Helm created for this release (its ownership annotations).</summary>
    internal bool BelongsToRelease(V1ObjectMeta metadata) =>
        metadata.Annotations is { } a &&
        a.TryGetValue(ReleaseNameAnnotation, out var name) && name == release &&
        (!a.TryGetValue(ReleaseNamespaceAnnotation, out var ns) || ns == @namespace);

    private static bool IsControlledBy(V1ObjectMeta metadata, string uid) =>
        metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true;

    private static long RevisionOf(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) == true &&
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Phase == "Succeeded" ||
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>What a not-ready pod is doing when no rule calls it fatal (for the post-mortem).</summary>
    private static FatalState CurrentState(V1Pod pod)
    {
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).ToList();
        foreach (var s in statuses)
        {
            var exit = s.State?.Terminated?.ExitCode ?? s.LastState?.Terminated?.ExitCode;
            if (s.State?.Waiting is { Reason: { } reason } waiting)
            {
                return new FatalState(reason, s.Name, waiting.Message, exit, s.RestartCount);
            }

            if (s.State?.Terminated is { } terminated && terminated.ExitCode != 0)
            {
                return new FatalState(terminated.Reason ?? "Error", s.Name, terminated.Message, terminated.ExitCode, s.RestartCount);
            }
        }

        if (FailFastRules.UnschedulableCondition(pod) is { } unschedulable)
        {
            return new FatalState("Unschedulable", "", unschedulable.Message, null, 0);
        }

        var notReady = statuses.FirstOrDefault(s => !s.Ready);
        return new FatalState("NotReady", notReady?.Name ?? "", pod.Status?.Phase, null, notReady?.RestartCount ?? 0);
    }
}
