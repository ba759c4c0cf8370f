namespace HelmSentinel.Kubernetes;

/// <summary>Why a rollout failed: the failing pods and the resources that never became ready.</summary>
/// <param name="Summary">One line, e.g. <c>pod web-7d9f-abcde (Deployment web): CrashLoopBackOff after 3 restarts</c>.</param>
/// <param name="Pods">Each failing pod, worst first.</param>
/// <param name="NotReady">Release resources that were not ready, as <c>Kind/name</c> with a short status.</param>
/// <param name="DetectedAt">When the fatal state was seen (or the diagnosis taken).</param>
/// <param name="Fatal">True when a fail-fast rule fired (the engine stopped the wait early).</param>
public sealed record RolloutDiagnosis(
    string Summary,
    IReadOnlyList<PodDiagnosis> Pods,
    IReadOnlyList<string> NotReady,
    DateTimeOffset DetectedAt,
    bool Fatal);

/// <summary>One failing pod.</summary>
/// <param name="Pod">Pod name.</param>
/// <param name="Workload">Owning workload as <c>Kind/name</c> (Deployment through its ReplicaSet, StatefulSet, Job, …).</param>
/// <param name="Container">The failing container (or <c>""</c> for a pod-level reason such as Unschedulable).</param>
/// <param name="Reason">CrashLoopBackOff, ImagePullBackOff, ErrImagePull, InvalidImageName, OOMKilled, CreateContainerConfigError, Unschedulable, …</param>
/// <param name="Message">Kubernetes' message for that reason.</param>
/// <param name="ExitCode">Exit code of the last terminated run, when there was one.</param>
/// <param name="RestartCount">Restarts of the container.</param>
/// <param name="LastLogLines">The last lines of the previous (or current) container log, bounded and masked.</param>
/// <param name="Events">Recent Warning events of the pod and its owners, as <c>Reason: message</c>.</param>
public sealed record PodDiagnosis(
    string Pod,
    string Workload,
    string Container,
    string Reason,
    string? Message,
    int? ExitCode,
    int RestartCount,
    IReadOnlyList<string> LastLogLines,
    IReadOnlyList<string> Events);
