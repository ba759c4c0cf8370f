using System.Globalization;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>A pod that runs a revision its StatefulSet no longer wants and that its controller will not replace.</summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="Workload">Its StatefulSet, as <c>StatefulSet/name</c>.</param>
/// <param name="Revision">The revision it runs (its <c>controller-revision-hash</c> label).</param>
/// <param name="CurrentRevision">The revision of the StatefulSet's template (<c>status.updateRevision</c>).</param>
/// <param name="Why">Why its controller leaves it, in words for the report (e.g. <c>StatefulSets do not replace a pod that is not Ready</c>).</param>
public sealed record StuckPod(string Pod, string Workload, string Revision, string CurrentRevision, string Why)
{
    /// <summary>The pod's uid: a pod recreated under the same name is another pod.</summary>
    public string Uid { get; init; } = "";

    /// <summary>The command a person would run to replace it by hand.</summary>
    public string DeleteCommand(string @namespace) => $"kubectl delete pod {Pod} --namespace {@namespace}";
}

/// <summary>
/// Finds the pods that Kubernetes' documented "forced rollback" case leaves behind: with the default
/// <c>OrderedReady</c> policy a StatefulSet waits for a pod that is not Ready to become Ready before it replaces
/// anything, so once a broken template is reverted, the pods it already created stay broken until deleted; with
/// <c>OnDelete</c> the controller never replaces a pod. Pure: the objects as the API server reports them in, names out.
/// </summary>
public static class StuckPods
{
    /// <summary>The label a StatefulSet's controller puts on each pod: the name of the revision it was created from.</summary>
    public const string RevisionLabel = "controller-revision-hash";

    /// <summary>
    /// The pods of <paramref name="statefulSet"/> that are not Ready and run a revision other than its template's. Nothing
    /// while the controller has not yet observed the latest template (a rollback still being applied), and never a pod of
    /// the template's own revision, a Ready pod, a pod being deleted, or a pod below a rolling update's partition (those
    /// stay at the old revision by design).
    /// </summary>
    /// <param name="statefulSet">The StatefulSet.</param>
    /// <param name="pods">Pods of its namespace; those it does not control are ignored.</param>
    public static IReadOnlyList<StuckPod> Of(V1StatefulSet statefulSet, IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(statefulSet);
        ArgumentNullException.ThrowIfNull(pods);
        var status = statefulSet.Status;
        var current = status?.UpdateRevision;
        if (string.IsNullOrEmpty(current) || (status!.ObservedGeneration ?? 0) < (statefulSet.Metadata.Generation ?? 0))
        {
            return [];
        }

        var name = statefulSet.Metadata.Name;
        var strategy = statefulSet.Spec?.UpdateStrategy;
        var onDelete = strategy?.Type == "OnDelete";
        var partition = onDelete ? 0 : strategy?.RollingUpdate?.Partition ?? 0;
        var why = onDelete
            ? "a StatefulSet with updateStrategy OnDelete never replaces a pod"
            : "StatefulSets do not replace a pod that is not Ready";
        return [.. pods
            .Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == statefulSet.Metadata.Uid) == true)
            .Where(p => p.Metadata.DeletionTimestamp is null && !IsReady(p) && Ordinal(p.Metadata.Name, name) >= partition)
            .Select(p => (Pod: p, Revision: p.Metadata.Labels?.TryGetValue(RevisionLabel, out var r) == true ? r : null))
            .Where(p => p.Revision is not null && p.Revision != current)
            .OrderByDescending(p => Ordinal(p.Pod.Metadata.Name, name))
            .Select(p => new StuckPod(p.Pod.Metadata.Name, "StatefulSet/" + name, p.Revision!, current, why) { Uid = p.Pod.Metadata.Uid ?? "" })];
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static int Ordinal(string pod, string statefulSet) =>
        pod.Length > statefulSet.Length + 1 && pod.StartsWith(statefulSet + "-", StringComparison.Ordinal) &&
        int.TryParse(pod.AsSpan(statefulSet.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : int.MaxValue;
}
