using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

public sealed class StuckPodsTests
{
    private const string Good = "worker-6d5f8c";
    private const string Broken = "worker-79c4b1";

    [Fact]
    public void ABrokenPodLeftByARevertedTemplate_IsStuck()
    {
        var set = StatefulSet(updateRevision: Good);

        var stuck = StuckPods.Of(set, [Pod(0, Good, ready: true), Pod(1, Broken, ready: false)]);

        stuck.Should().ContainSingle().Which.Should().Be(new StuckPod(
            "worker-1", "StatefulSet/worker", Broken, Good,
            "StatefulSets do not replace a pod that is not Ready") { Uid = "pod-1" });
        stuck[0].DeleteCommand("shop").Should().Be("kubectl delete pod worker-1 --namespace shop");
    }

    [Fact]
    public void WhileTheRollbackIsNotYetObserved_NothingIsStuck()
    {
        // The template is reverted (generation 3) but the controller still reports the broken revision as current.
        var set = StatefulSet(updateRevision: Broken, generation: 3, observed: 2);

        StuckPods.Of(set, [Pod(0, Good, ready: false), Pod(1, Broken, ready: false)]).Should().BeEmpty();
    }

    [Fact]
    public void PodsOfTheCurrentRevision_ReadyPods_AndPodsBeingDeleted_AreNeverStuck()
    {
        var set = StatefulSet(updateRevision: Good, replicas: 4);
        var deleting = Pod(3, Broken, ready: false);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        var stuck = StuckPods.Of(set, [Pod(0, Good, ready: false), Pod(1, Broken, ready: true), Pod(2, Good, ready: true), deleting]);

        stuck.Should().BeEmpty("a starting pod of the current revision heals by waiting, a Ready one the controller rolls itself");
    }

    [Fact]
    public void PodsBelowThePartition_StayAtTheirRevisionByDesign()
    {
        var set = StatefulSet(updateRevision: Good, replicas: 3, partition: 2);

        var stuck = StuckPods.Of(set, [Pod(0, Broken, ready: false), Pod(1, Broken, ready: false), Pod(2, Broken, ready: false)]);

        stuck.Select(p => p.Pod).Should().Equal("worker-2");
    }

    [Fact]
    public void OnDelete_SaysTheControllerNeverReplacesAPod()
    {
        var set = StatefulSet(updateRevision: Good, strategy: "OnDelete", partition: 5);

        var stuck = StuckPods.Of(set, [Pod(0, Broken, ready: false), Pod(1, Broken, ready: false)]);

        stuck.Select(p => p.Pod).Should().Equal(["worker-1", "worker-0"], "the partition does not apply to OnDelete; highest ordinal first");
        stuck[0].Why.Should().Be("a StatefulSet with updateStrategy OnDelete never replaces a pod");
    }

    [Fact]
    public void PodsOfAnotherController_AreIgnored()
    {
        var set = StatefulSet(updateRevision: Good);
        var other = Pod(1, Broken, ready: false);
        other.Metadata.OwnerReferences[0].Uid = "another-uid";

        StuckPods.Of(set, [other]).Should().BeEmpty();
    }

    private static V1StatefulSet StatefulSet(string updateRevision, int replicas = 2, long generation = 2, long observed = 2, string strategy = "RollingUpdate", int? partition = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "worker", NamespaceProperty = "shop", Uid = "set-uid", Generation = generation },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            UpdateStrategy = new V1StatefulSetUpdateStrategy
            {
                Type = strategy,
                RollingUpdate = partition is null ? null : new V1RollingUpdateStatefulSetStrategy { Partition = partition },
            },
        },
        Status = new V1StatefulSetStatus { ObservedGeneration = observed, UpdateRevision = updateRevision, CurrentRevision = updateRevision, Replicas = replicas },
    };

    private static V1Pod Pod(int ordinal, string revision, bool ready) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"worker-{ordinal}",
            NamespaceProperty = "shop",
            Uid = $"pod-{ordinal}",
            Labels = new Dictionary<string, string> { [StuckPods.RevisionLabel] = revision },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "worker", Uid = "set-uid", Controller = true }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };
}
