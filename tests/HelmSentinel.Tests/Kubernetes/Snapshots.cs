using HelmSentinel.Kubernetes;
using k8s;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>Hand-built cluster objects for the evaluator's tests, shaped as the API server reports them.</summary>
internal static class Snapshots
{
    public const string Release = "web";
    public const string Namespace = "shop";

    /// <summary>When helm was started in these tests.</summary>
    public static readonly DateTimeOffset HelmStarted = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    /// <summary>What the watcher makes of that start.</summary>
    public static readonly DateTimeOffset CountFrom = HelmStarted - RolloutWatcher.ClockMargin;

    public static Dictionary<string, string> ReleaseAnnotations(string release = Release) => new()
    {
        ["meta.helm.sh/release-name"] = release,
        ["meta.helm.sh/release-namespace"] = Namespace,
    };

    public static V1Deployment Deployment(string name = "web", long generation = 1, long? observed = null, bool progressDeadlineExceeded = false, string release = Release) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = "deploy-" + name, Generation = generation, Annotations = ReleaseAnnotations(release) },
        Spec = new V1DeploymentSpec { Replicas = 2 },
        Status = new V1DeploymentStatus
        {
            ObservedGeneration = observed ?? generation,
            Conditions = progressDeadlineExceeded
                ? [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = $"ReplicaSet \"{name}-2\" has timed out progressing." }]
                : [new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "ReplicaSetUpdated" }],
        },
    };

    public static V1ReplicaSet ReplicaSet(V1Deployment owner, int revision) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{owner.Metadata.Name}-{revision}",
            Uid = $"rs-{owner.Metadata.Name}-{revision}",
            Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            OwnerReferences = [Controller(owner)],
        },
    };

    public static V1StatefulSet StatefulSet(string name, string updateRevision) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = "sts-" + name, Annotations = ReleaseAnnotations() },
        Spec = new V1StatefulSetSpec { Replicas = 2 },
        Status = new V1StatefulSetStatus { UpdateRevision = updateRevision, ReadyReplicas = 0 },
    };

    public static V1Job Job(string name, DateTimeOffset created, bool hook = false, bool failed = false, bool ofTheRelease = true) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = "job-" + name,
            CreationTimestamp = created.UtcDateTime,
            Annotations = hook
                ? new Dictionary<string, string> { ["helm.sh/hook"] = "pre-upgrade" }
                : ofTheRelease ? ReleaseAnnotations() : null,
        },
        Status = failed
            ? new V1JobStatus { Failed = 3, Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit" }] }
            : new V1JobStatus { Active = 1 },
    };

    /// <summary>A pod controlled by <paramref name="owner"/>, created at <paramref name="created"/>.</summary>
    public static V1Pod Pod(
        string name,
        IKubernetesObject<V1ObjectMeta> owner,
        DateTimeOffset created,
        V1ContainerStatus? container = null,
        string phase = "Running",
        string? revisionHash = null,
        bool ready = false,
        V1PodCondition? condition = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = "pod-" + name,
            NamespaceProperty = Namespace,
            CreationTimestamp = created.UtcDateTime,
            OwnerReferences = [Controller(owner)],
            Labels = revisionHash is null ? null : new Dictionary<string, string> { ["controller-revision-hash"] = revisionHash },
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = container is null ? null : [container],
            Conditions = condition is not null ? [condition] : ready ? [new V1PodCondition { Type = "Ready", Status = "True" }] : null,
        },
    };

    public static V1ContainerStatus CrashLooping(int restarts) => new()
    {
        Name = "web",
        Image = "sim.local/crash",
        ImageID = "",
        RestartCount = restarts,
        State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = "back-off restarting failed container" } },
        LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = 1 } },
    };

    public static V1ContainerStatus Running(int restarts = 0, bool ready = false) => new()
    {
        Name = "web",
        Image = "sim.local/slow-8",
        ImageID = "",
        Ready = ready,
        RestartCount = restarts,
        State = new V1ContainerState { Running = new V1ContainerStateRunning() },
        LastState = restarts > 0 ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = 1 } } : null,
    };

    public static V1ContainerStatus Waiting(string reason, string? message = null) => new()
    {
        Name = "web",
        Image = "registry.example/missing:1",
        ImageID = "",
        State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } },
    };

    public static V1ContainerStatus Exited(int exitCode) => new()
    {
        Name = "migrate",
        Image = "sim.local/crash",
        ImageID = "",
        State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = exitCode } },
    };

    public static V1PodCondition Unschedulable(DateTimeOffset since) => new()
    {
        Type = "PodScheduled",
        Status = "False",
        Reason = "Unschedulable",
        Message = "0/1 nodes are available: 1 Insufficient memory.",
        LastTransitionTime = since.UtcDateTime,
    };

    /// <summary>Objects the watcher did not have in its first list: always the upgrade's.</summary>
    public static KindSnapshot<T> Later<T>(params T[] items)
        where T : class, IKubernetesObject<V1ObjectMeta> => new(items, new Dictionary<string, long>(StringComparer.Ordinal));

    /// <summary>Objects that were all in the first list, as they are now.</summary>
    public static KindSnapshot<T> Listed<T>(params T[] items)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(items, items.ToDictionary(i => i.Metadata.Uid, i => i.Metadata.Generation ?? 0, StringComparer.Ordinal));

    private static V1OwnerReference Controller(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = "apps/v1",
        Kind = owner.GetType().Name[2..],
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
    };
}
