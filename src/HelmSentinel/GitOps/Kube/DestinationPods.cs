using System.Globalization;
using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.GitOps.Kube;

/// <summary>A pod of a GitOps application's workload in a state that waiting will not fix.</summary>
/// <param name="Pod">The pod, <c>namespace/name</c>.</param>
/// <param name="Workload">Its workload, e.g. <c>Deployment/shop/web</c>.</param>
/// <param name="State">The fatal state.</param>
public sealed record FatalPod(string Pod, string Workload, FatalState State)
{
    /// <summary>One line for the watch's failure, e.g. <c>pod shop/web-5d9-x of Deployment/shop/web: CrashLoopBackOff after 2 restarts</c>.</summary>
    public override string ToString() => $"pod {Pod} of {Workload}: {State.Describe()}";
}

/// <summary>
/// The deploy engine's fail-fast rules (<see cref="FailFastRules"/>) over a GitOps application's workloads in its
/// destination cluster: the pods of each Deployment's newest ReplicaSet, of each StatefulSet's update revision, of each
/// DaemonSet. Pure: the objects as the API server reports them in, the first fatal pod out. Argo CD keeps a crash-looping
/// Deployment Progressing until its progress deadline and never marks a StatefulSet Degraded; these rules decide in seconds.
/// </summary>
public static class DestinationPods
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string RevisionLabel = "controller-revision-hash";

    /// <summary>The workloads among an application's resources that these rules look at.</summary>
    /// <param name="resources">The application's resources.</param>
    public static IReadOnlyList<AppResource> Workloads(IEnumerable<AppResource> resources) =>
        [.. resources.Where(r => r.Namespace is not null && r.Kind is "Deployment" or "StatefulSet" or "DaemonSet")];

    /// <summary>The first fatal pod of <paramref name="workloads"/>, oldest first; null when none.</summary>
    /// <param name="workloads">The application's workloads (<see cref="Workloads"/>).</param>
    /// <param name="replicaSets">The ReplicaSets of their namespaces.</param>
    /// <param name="statefulSets">The StatefulSets of their namespaces.</param>
    /// <param name="pods">The pods of their namespaces.</param>
    /// <param name="rules">The thresholds.</param>
    /// <param name="now">The time now.</param>
    public static FatalPod? First(
        IReadOnlyList<AppResource> workloads, IEnumerable<V1ReplicaSet> replicaSets, IEnumerable<V1StatefulSet> statefulSets, IEnumerable<V1Pod> pods,
        FailFastOptions rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var owners = new Dictionary<(string Namespace, string Kind, string Name), string>(); // what controls the current pods -> the workload
        var sets = statefulSets.ToList();
        foreach (var workload in workloads)
        {
            var ns = workload.Namespace!;
            switch (workload.Kind)
            {
                case "Deployment":
                    var newest = replicaSets
                        .Where(rs => rs.Metadata.NamespaceProperty == ns && Controller(rs.Metadata) is { Kind: "Deployment" } c && c.Name == workload.Name)
                        .MaxBy(Revision);
                    if (newest is not null)
                    {
                        owners[(ns, "ReplicaSet", newest.Metadata.Name)] = workload.ToString();
                    }

                    break;
                default:
                    owners[(ns, workload.Kind, workload.Name)] = workload.ToString();
                    break;
            }
        }

        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (Controller(pod.Metadata) is not { } controller || !owners.TryGetValue((pod.Metadata.NamespaceProperty, controller.Kind, controller.Name), out var workload))
            {
                continue;
            }

            // A StatefulSet's pods of an older revision are not the merge's.
            if (controller.Kind == "StatefulSet" && sets.FirstOrDefault(s => s.Metadata.NamespaceProperty == pod.Metadata.NamespaceProperty && s.Metadata.Name == controller.Name)
                    ?.Status?.UpdateRevision is { Length: > 0 } update && (pod.Metadata.Labels is { } labels && labels.TryGetValue(RevisionLabel, out var hash) ? hash : null) != update)
            {
                continue;
            }

            if (FailFastRules.Pod(pod, rules, now) is { } state)
            {
                return new FatalPod($"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}", workload, state);
            }
        }

        return null;
    }

    private static V1OwnerReference? Controller(V1ObjectMeta metadata) => metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);

    private static long Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) == true &&
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
}
