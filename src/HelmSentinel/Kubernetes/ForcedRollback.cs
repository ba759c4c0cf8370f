using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>A pod the forced rollback deleted so that its StatefulSet recreates it from the restored template.</summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="Workload">Its StatefulSet, as <c>StatefulSet/name</c>.</param>
/// <param name="Revision">The revision it ran.</param>
/// <param name="At">When it was deleted.</param>
/// <param name="Why">Why it had to be deleted, in words for the report.</param>
/// <param name="Error">Why the delete failed, when it did (masked); null when it was deleted.</param>
public sealed record PodReplacement(string Pod, string Workload, string Revision, DateTimeOffset At, string Why, string? Error = null)
{
    /// <summary>True when the pod was deleted.</summary>
    public bool Deleted => Error is null;
}

/// <summary>Which stuck pods a forced rollback may delete.</summary>
public abstract record StuckPodScope
{
    private StuckPodScope()
    {
    }

    /// <summary>Pods of a revision this upgrade created (the watcher saw them as the new template's), once their
    /// StatefulSet's template has moved on: after Helm's or the engine's rollback.</summary>
    public static StuckPodScope RevisionsOfThisUpgrade { get; } = new OfThisUpgrade();

    /// <summary>Any stuck pod of a release StatefulSet: one left by an earlier failure.</summary>
    public static StuckPodScope Any { get; } = new AnyPod();

    internal sealed record OfThisUpgrade : StuckPodScope;

    internal sealed record AnyPod : StuckPodScope;
}

/// <summary>
/// The forced rollback of Kubernetes' documentation: a StatefulSet (<c>OrderedReady</c>, <c>OnDelete</c>, a partitioned
/// update) does not replace a pod that is not Ready, so after a broken template is reverted the pods that already run
/// it must be deleted. Works on the watcher's informers and client; deletes each pod at most once.
/// </summary>
internal sealed class ForcedRollback(
    IKubernetes client, RolloutEvaluator evaluator, string @namespace, Func<RolloutSnapshot> snapshot, Func<RolloutMemory> memory,
    Func<string, string> mask, TimeProvider time)
{
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);

    /// <summary>The release's stuck pods that <paramref name="scope"/> allows to delete, highest ordinal first.</summary>
    public IReadOnlyList<StuckPod> Stuck(StuckPodScope scope)
    {
        var now = snapshot();
        var revisions = scope is StuckPodScope.OfThisUpgrade ? RevisionsOfThisUpgrade(memory()) : null;
        var stuck = new List<StuckPod>();
        foreach (var set in now.StatefulSets.Items.Where(s => evaluator.BelongsToRelease(s.Metadata)))
        {
            // The revision the StatefulSet had fully rolled out before the upgrade is never this upgrade's, even when a
            // pod of it counted as new (created within the clock margin of helm's start).
            var before = now.StatefulSets.FirstListed(set.Metadata.Uid)?.Status?.CurrentRevision;
            stuck.AddRange(StuckPods.Of(set, now.Pods.Items).Where(p =>
                revisions is null || (p.Revision != before && revisions.TryGetValue(p.Workload, out var created) && created.Contains(p.Revision))));
        }

        return stuck;
    }

    /// <summary>Deletes the pods not deleted before (by uid: a pod recreated under the same name is another pod); a delete
    /// that failed is tried again next time. Never throws for cluster errors (they are in the result).</summary>
    public async Task<IReadOnlyList<PodReplacement>> DeleteAsync(IEnumerable<StuckPod> pods, CancellationToken ct)
    {
        var done = new List<PodReplacement>();
        foreach (var pod in pods)
        {
            var key = pod.Uid.Length > 0 ? pod.Uid : pod.Pod;
            lock (_deleted)
            {
                if (_deleted.Contains(key))
                {
                    continue;
                }
            }

            string? error = null;
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(
                    pod.Pod, @namespace, new V1DeleteOptions { Preconditions = pod.Uid.Length > 0 ? new V1Preconditions { Uid = pod.Uid } : null }, cancellationToken: ct);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
            {
                // Gone already (or replaced by another pod of that name): what was wanted.
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = mask(e.Message);
            }

            if (error is null)
            {
                lock (_deleted)
                {
                    _deleted.Add(key);
                }
            }

            done.Add(new PodReplacement(pod.Pod, pod.Workload, pod.Revision, time.GetUtcNow(), pod.Why, error));
        }

        return done;
    }

    /// <summary>True when every release StatefulSet has all its replicas Ready on its current template and no stuck pod.</summary>
    public bool AllReady()
    {
        var now = snapshot();
        foreach (var set in now.StatefulSets.Items.Where(s => evaluator.BelongsToRelease(s.Metadata)))
        {
            var status = set.Status;
            var replicas = set.Spec?.Replicas ?? 1;
            if (status is null || (status.ObservedGeneration ?? 0) < (set.Metadata.Generation ?? 0) || (status.ReadyReplicas ?? 0) < replicas
                || StuckPods.Of(set, now.Pods.Items).Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    // The revisions (controller-revision-hash) of pods this upgrade created, by StatefulSet.
    private static Dictionary<string, HashSet<string>> RevisionsOfThisUpgrade(RolloutMemory memory)
    {
        var revisions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var candidate in memory.Seen.Values.Where(c => c.Workload.StartsWith("StatefulSet/", StringComparison.Ordinal)))
        {
            if (candidate.Pod.Metadata.Labels?.TryGetValue(StuckPods.RevisionLabel, out var revision) == true)
            {
                if (!revisions.TryGetValue(candidate.Workload, out var set))
                {
                    revisions[candidate.Workload] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(revision);
            }
        }

        return revisions;
    }
}
