namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// A container's log at one moment, as a kubelet holds it (not the object store): <paramref name="Lines"/> of run
/// <paramref name="Run"/>, after its first <paramref name="Dropped"/> lines were dropped; <paramref name="Ended"/> when
/// the run is over and no line will follow.
/// </summary>
internal sealed record PodLogSnapshot(IReadOnlyList<string> Lines, long Dropped, int Run, bool Ended);
