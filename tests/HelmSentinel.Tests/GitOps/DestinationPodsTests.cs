using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Kube;
using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.GitOps;

public sealed class DestinationPodsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly AppResource Web = new("Deployment", "shop", "web", AppHealth.Progressing) { Group = "apps" };
    private static readonly AppResource Db = new("StatefulSet", "shop", "db", AppHealth.Progressing) { Group = "apps" };

    [Fact]
    public void APodOfTheNewestReplicaSetInCrashLoopBackOff_IsFatal_AndOneOfAnOlderReplicaSetIsNot()
    {
        var old = Pod("web-1-a", "ReplicaSet", "web-1", Crashing(5));
        var current = Pod("web-2-b", "ReplicaSet", "web-2", Crashing(2));

        var fatal = DestinationPods.First([Web], [ReplicaSet("web-1", 1), ReplicaSet("web-2", 2)], [], [old, current], new FailFastOptions(), Now);

        fatal.Should().NotBeNull();
        fatal!.ToString().Should().Be("pod shop/web-2-b of Deployment/shop/web: CrashLoopBackOff after 2 restarts, exit code 1");
        DestinationPods.First([Web], [ReplicaSet("web-1", 1), ReplicaSet("web-2", 2)], [], [old], new FailFastOptions(), Now).Should().BeNull();
    }

    [Fact]
    public void AStatefulSetPodOfAnOlderRevision_IsNotTheMerges()
    {
        var set = new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "shop" }, Status = new V1StatefulSetStatus { UpdateRevision = "db-new" } };
        var oldPod = Pod("db-0", "StatefulSet", "db", Crashing(3), revision: "db-old");
        var newPod = Pod("db-1", "StatefulSet", "db", Crashing(3), revision: "db-new");

        DestinationPods.First([Db], [], [set], [oldPod], new FailFastOptions(), Now).Should().BeNull();
        DestinationPods.First([Db], [], [set], [oldPod, newPod], new FailFastOptions(), Now)!.Pod.Should().Be("shop/db-1");
    }

    [Fact]
    public void OnlyTheApplicationsWorkloads_AreLookedAt()
    {
        DestinationPods.Workloads([Web, new AppResource("Service", "shop", "web", AppHealth.Healthy), new AppResource("Namespace", null, "shop", AppHealth.Healthy)])
            .Should().Equal(Web);
        DestinationPods.First([Web], [ReplicaSet("api-1", 1, owner: "api")], [], [Pod("api-1-a", "ReplicaSet", "api-1", Crashing(9))], new FailFastOptions(), Now)
            .Should().BeNull();
    }

    private static V1ReplicaSet ReplicaSet(string name, int revision, string owner = "web") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "shop",
            Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            OwnerReferences = [new V1OwnerReference { Kind = "Deployment", Name = owner, Controller = true, ApiVersion = "apps/v1", Uid = "d-" + owner }],
        },
    };

    private static V1Pod Pod(string name, string ownerKind, string owner, V1ContainerStatus status, string? revision = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "shop",
            CreationTimestamp = Now.AddMinutes(-1).UtcDateTime,
            Labels = revision is null ? null : new Dictionary<string, string> { ["controller-revision-hash"] = revision },
            OwnerReferences = [new V1OwnerReference { Kind = ownerKind, Name = owner, Controller = true, ApiVersion = "apps/v1", Uid = "o-" + owner }],
        },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [status] },
    };

    private static V1ContainerStatus Crashing(int restarts) => new()
    {
        Name = "web",
        Image = "sim.local/crash",
        ImageID = "",
        RestartCount = restarts,
        State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
        LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = 1 } },
    };
}
