using System.Collections.Immutable;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>What one evaluation of a <see cref="RolloutSnapshot"/> found.</summary>
/// <param name="Memory">What the next evaluation must know (pass it back in).</param>
/// <param name="Fatal">The fatal finding, or null while nothing is fatal.</param>
/// <param name="WakeAt">When to evaluate again even if nothing changes (an unschedulable grace runs out); null = only on a change.</param>
internal sealed record Evaluation(RolloutMemory Memory, Finding? Fatal, DateTimeOffset? WakeAt);

/// <summary>What the evaluator carries from one evaluation to the next.</summary>
/// <param name="Seen">Pods of a NEW template ever seen, by uid, with their latest state: the post-mortem still knows
/// them after Helm's own rollback deleted them.</param>
/// <param name="UnschedulableSince">When each pod (by uid) was first seen Unschedulable; the grace counts from then.</param>
internal sealed record RolloutMemory(
    ImmutableDictionary<string, Candidate> Seen,
    ImmutableDictionary<string, DateTimeOffset> UnschedulableSince)
{
    /// <summary>Nothing seen yet.</summary>
    public static RolloutMemory Empty { get; } = new(
        ImmutableDictionary.Create<string, Candidate>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal));
}

/// <summary>A pod of the new template of a release workload.</summary>
/// <param name="Pod">The pod as last seen.</param>
/// <param name="Workload">Its workload as <c>Kind/name</c>.</param>
internal sealed record Candidate(V1Pod Pod, string Workload);

/// <summary>The failing pods and workload the post-mortem reports.</summary>
/// <param name="Pods">The failing pods, worst first.</param>
/// <param name="Workload">The first release workload that failed as a whole, if any.</param>
internal sealed record Finding(IReadOnlyList<FailingPod> Pods, FailedWorkload? Workload);

/// <summary>A failing pod.</summary>
/// <param name="Pod">The pod.</param>
/// <param name="Workload">Its workload as <c>Kind/name</c>.</param>
/// <param name="State">Why it fails (or, for the post-mortem of a non-fatal failure, what it is doing).</param>
internal sealed record FailingPod(V1Pod Pod, string Workload, FatalState State);

/// <summary>A workload that failed as a whole (a Deployment past its progress deadline, a failed Job).</summary>
/// <param name="Name">The workload as <c>Kind/name</c>.</param>
/// <param name="State">Why it failed.</param>
internal sealed record FailedWorkload(string Name, FatalState State);

/// <summary>A release workload that is not ready.</summary>
/// <param name="Name">The workload as <c>Kind/name</c>.</param>
/// <param name="Status">A short status, e.g. <c>1/2 ready, 0 updated</c> (unmasked).</param>
internal sealed record NotReadyWorkload(string Name, string Status);
