using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>Everything the evaluator knows about the cluster at one instant: the namespace's workloads and pods as
/// the informers hold them, and from when objects of their first lists count as the upgrade's.</summary>
internal sealed record RolloutSnapshot
{
    /// <summary>The namespace's pods.</summary>
    public KindSnapshot<V1Pod> Pods { get; init; } = KindSnapshot<V1Pod>.Empty;

    /// <summary>The namespace's Deployments.</summary>
    public KindSnapshot<V1Deployment> Deployments { get; init; } = KindSnapshot<V1Deployment>.Empty;

    /// <summary>The namespace's ReplicaSets.</summary>
    public KindSnapshot<V1ReplicaSet> ReplicaSets { get; init; } = KindSnapshot<V1ReplicaSet>.Empty;

    /// <summary>The namespace's StatefulSets.</summary>
    public KindSnapshot<V1StatefulSet> StatefulSets { get; init; } = KindSnapshot<V1StatefulSet>.Empty;

    /// <summary>The namespace's DaemonSets.</summary>
    public KindSnapshot<V1DaemonSet> DaemonSets { get; init; } = KindSnapshot<V1DaemonSet>.Empty;

    /// <summary>The namespace's Jobs (hooks included).</summary>
    public KindSnapshot<V1Job> Jobs { get; init; } = KindSnapshot<V1Job>.Empty;

    /// <summary>Objects of a first list created at or after this time are the upgrade's (helm's start less
    /// <see cref="RolloutWatcher.ClockMargin"/>); null while helm's start is not known, when all of them are the old
    /// revision's. Objects that were not in a first list are always the upgrade's.</summary>
    public DateTimeOffset? CountFrom { get; init; }
}

/// <summary>One kind's objects at one instant, and what that kind's first list saw: the evaluator tells the
/// upgrade's objects from the old revision's by it.</summary>
/// <typeparam name="T">The Kubernetes kind.</typeparam>
/// <param name="items">The objects now.</param>
/// <param name="firstList">The uids the first list returned, each with its <c>metadata.generation</c> then (0 when unset).</param>
/// <param name="firstObjects">The objects the first list returned, by uid, when kept.</param>
internal sealed class KindSnapshot<T>(IReadOnlyList<T> items, IReadOnlyDictionary<string, long> firstList, IReadOnlyDictionary<string, T>? firstObjects = null)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>No objects, and a first list that saw none.</summary>
    public static KindSnapshot<T> Empty { get; } = new([], new Dictionary<string, long>(StringComparer.Ordinal));

    /// <summary>The objects now.</summary>
    public IReadOnlyList<T> Items { get; } = items;

    /// <summary>True when the first list returned the object with this uid.</summary>
    public bool InFirstList(string uid) => firstList.ContainsKey(uid);

    /// <summary>The object's generation in the first list; 0 when it was not in it.</summary>
    public long FirstListGeneration(string uid) => firstList.TryGetValue(uid, out var generation) ? generation : 0;

    /// <summary>The object with this uid as the first list returned it; null when it was not in it.</summary>
    public T? FirstListed(string uid) => firstObjects?.TryGetValue(uid, out var first) == true ? first : null;
}
