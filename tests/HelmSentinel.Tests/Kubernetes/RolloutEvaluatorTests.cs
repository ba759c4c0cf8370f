using HelmSentinel.Kubernetes;
using k8s.Models;
using static HelmSentinel.Tests.Kubernetes.Snapshots;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>The evaluator on hand-built snapshots, with explicit times: what counts as the upgrade's, what is fatal,
/// and what it remembers between evaluations.</summary>
public sealed class RolloutEvaluatorTests
{
    private static readonly DateTimeOffset Now = HelmStarted.AddSeconds(20);
    private readonly RolloutEvaluator _evaluator = new(Release, Namespace, new FailFastOptions());

    [Fact]
    public void PodsOfTheNewestReplicaSet_Count()
    {
        var web = Deployment(generation: 2);
        var (old, current) = (ReplicaSet(web, 1), ReplicaSet(web, 2));
        var pod = Pod("web-2-abcde", current, HelmStarted.AddSeconds(3), CrashLooping(restarts: 2));

        var evaluation = _evaluator.Evaluate(Cluster(web, [old, current], [pod]), RolloutMemory.Empty, Now);

        evaluation.Fatal!.Pods.Should().ContainSingle().Which.Should().Be(
            new FailingPod(pod, "Deployment/web", new FatalState("CrashLoopBackOff", "web", "back-off restarting failed container", 1, 2)));
        evaluation.Fatal.Workload.Should().BeNull();
        evaluation.Memory.Seen.Keys.Should().Equal(pod.Metadata.Uid);
    }

    [Fact]
    public void PodsOfAnOlderReplicaSet_NeverCount()
    {
        // A crash loop of the old revision (it may have crashed for days) is not this upgrade's doing.
        var web = Deployment(generation: 2);
        var (old, current) = (ReplicaSet(web, 1), ReplicaSet(web, 2));
        var oldPod = Pod("web-1-fghij", old, HelmStarted.AddSeconds(3), CrashLooping(restarts: 9));
        var newPod = Pod("web-2-abcde", current, HelmStarted.AddSeconds(3), Running());

        var evaluation = _evaluator.Evaluate(Cluster(web, [old, current], [oldPod, newPod]), RolloutMemory.Empty, Now);

        evaluation.Fatal.Should().BeNull();
        evaluation.Memory.Seen.Keys.Should().Equal(newPod.Metadata.Uid);
    }

    [Fact]
    public void StatefulSetPods_CountOnlyAtTheUpdateRevision()
    {
        var db = StatefulSet("db", updateRevision: "db-7c9");
        var old = Pod("db-1", db, HelmStarted.AddSeconds(3), CrashLooping(restarts: 5), revisionHash: "db-5f1");
        var unlabelled = Pod("db-2", db, HelmStarted.AddSeconds(3), CrashLooping(restarts: 5));
        var updated = Pod("db-0", db, HelmStarted.AddSeconds(3), CrashLooping(restarts: 2), revisionHash: "db-7c9");
        var snapshot = new RolloutSnapshot { StatefulSets = Later(db), Pods = Later(old, unlabelled, updated), CountFrom = CountFrom };

        var evaluation = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now);

        evaluation.Fatal!.Pods.Select(p => (p.Pod.Metadata.Name, p.Workload)).Should().Equal(("db-0", "StatefulSet/db"));
        _evaluator.Evaluate(snapshot with { Pods = Later(old, unlabelled) }, RolloutMemory.Empty, Now).Fatal.Should().BeNull();
    }

    [Fact]
    public void AHookJobCreatedAfterTheStart_FailsTheRolloutWithItsPodsAsEvidence()
    {
        // A hook Job carries Helm's hook annotation, not the release's ownership annotations.
        var migrate = Job("web-migrate", HelmStarted.AddSeconds(1), hook: true, failed: true);
        var pod = Pod("web-migrate-x1", migrate, HelmStarted.AddSeconds(1), Exited(3), phase: "Failed");
        var snapshot = new RolloutSnapshot { Jobs = Listed(migrate), Pods = Later(pod), CountFrom = CountFrom };

        var fatal = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now).Fatal!;

        fatal.Workload.Should().Be(new FailedWorkload("Job/web-migrate", new FatalState("BackoffLimitExceeded", "", "Job has reached the specified backoff limit", null, 0)));
        fatal.Pods.Should().ContainSingle().Which.State.Should().Be(new FatalState("Error", "migrate", null, 3, 0));
    }

    [Fact]
    public void AFailedHookJobOfAnEarlierUpgrade_AndJobsOfNoRelease_NeverCount()
    {
        var earlier = Job("web-migrate", CountFrom.AddSeconds(-1), hook: true, failed: true);
        var foreign = Job("nightly", HelmStarted.AddSeconds(1), failed: true, ofTheRelease: false);

        var evaluation = _evaluator.Evaluate(new RolloutSnapshot { Jobs = Listed(earlier, foreign), CountFrom = CountFrom }, RolloutMemory.Empty, Now);

        evaluation.Fatal.Should().BeNull();
        _evaluator.NotReady(new RolloutSnapshot { Jobs = Listed(earlier, foreign), CountFrom = CountFrom }).Should().BeEmpty();
    }

    [Theory]
    [InlineData(-2, true)] // created as helm started
    [InlineData(0, true)] // exactly helm's start less the margin
    [InlineData(1, false)] // a second before that
    [InlineData(3600, false)] // an hour before
    public void ObjectsOfTheFirstList_CountWhenCreatedSinceHelmsStartLessTheMargin(int secondsBeforeCountFrom, bool counts)
    {
        var created = CountFrom.AddSeconds(-secondsBeforeCountFrom);
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var pod = Pod("web-2-abcde", rs, created, CrashLooping(restarts: 2));
        var job = Job("web-migrate", created, hook: true, failed: true);
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), Pods = Listed(pod), Jobs = Listed(job), CountFrom = CountFrom };

        var fatal = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now).Fatal;

        if (counts)
        {
            fatal!.Pods.Select(p => p.Pod).Should().Contain(pod);
            fatal.Workload!.Name.Should().Be("Job/web-migrate");
        }
        else
        {
            fatal.Should().BeNull();
        }
    }

    [Fact]
    public void PodsOfTheFirstList_AreTheOldRevisionsUntilTheStartIsKnown_ThenCount()
    {
        // Helm does not wait for the watcher: the broken pods may already be in its first list.
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var pod = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), CrashLooping(restarts: 2));
        var snapshot = new RolloutSnapshot { Deployments = Listed(web), ReplicaSets = Listed(rs), Pods = Listed(pod) };

        var unknown = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now);
        var known = _evaluator.Evaluate(snapshot with { CountFrom = CountFrom }, unknown.Memory, Now);

        unknown.Fatal.Should().BeNull("until it knows when helm started, everything in its first list is the old revision's");
        unknown.Memory.Seen.Should().BeEmpty();
        known.Fatal!.Pods.Select(p => p.Pod).Should().Equal(pod);
    }

    [Fact]
    public void PodsCreatedLongBeforeTheUpgrade_NeverCount()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var snapshot = new RolloutSnapshot { Deployments = Listed(web), ReplicaSets = Listed(rs), CountFrom = CountFrom };

        var memory = RolloutMemory.Empty;
        foreach (var (restarts, at) in new[] { (2, Now), (5, Now.AddMinutes(5)), (9, Now.AddMinutes(30)) })
        {
            var crashing = Pod("web-2-abcde", rs, HelmStarted.AddHours(-1), CrashLooping(restarts));
            var evaluation = _evaluator.Evaluate(snapshot with { Pods = Listed(crashing) }, memory, at);
            evaluation.Fatal.Should().BeNull("pods created before helm started belong to an earlier rollout");
            memory = evaluation.Memory;
        }

        memory.Seen.Should().BeEmpty();
    }

    [Fact]
    public void PodsNotInTheFirstList_CountEvenBeforeTheStartIsKnown()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var pod = Pod("web-2-abcde", rs, HelmStarted.AddHours(-1), CrashLooping(restarts: 2));

        var evaluation = _evaluator.Evaluate(new RolloutSnapshot { Deployments = Listed(web), ReplicaSets = Listed(rs), Pods = Later(pod) }, RolloutMemory.Empty, Now);

        evaluation.Fatal!.Pods.Select(p => p.Pod).Should().Equal(pod);
    }

    [Fact]
    public void PodsBeingDeleted_AndPodsOfOtherReleases_DoNotCount()
    {
        var web = Deployment(generation: 2);
        var other = Deployment("api", release: "api");
        var (rs, otherRs) = (ReplicaSet(web, 2), ReplicaSet(other, 1));
        var deleting = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), CrashLooping(restarts: 2));
        deleting.Metadata.DeletionTimestamp = Now.UtcDateTime;
        var foreign = Pod("api-1-abcde", otherRs, HelmStarted.AddSeconds(1), CrashLooping(restarts: 2));

        var evaluation = _evaluator.Evaluate(
            new RolloutSnapshot { Deployments = Later(web, other), ReplicaSets = Later(rs, otherRs), Pods = Later(deleting, foreign), CountFrom = CountFrom }, RolloutMemory.Empty, Now);

        evaluation.Fatal.Should().BeNull();
    }

    [Theory]
    [InlineData(false, 0, 1, 1, true)] // created by this upgrade, observed
    [InlineData(true, 1, 1, 1, false)] // untouched since the first list: an old deadline
    [InlineData(true, 1, 2, 1, false)] // touched, but the controller has not observed the new generation yet
    [InlineData(true, 1, 2, 2, true)] // touched and observed
    public void ProgressDeadlineExceeded_IsFatalOnlyWhenThisUpgradeTouchedTheDeploymentAndItWasObserved(
        bool inFirstList, long firstListGeneration, long generation, long observed, bool fatal)
    {
        var web = Deployment(generation: generation, observed: observed, progressDeadlineExceeded: true);
        var deployments = new KindSnapshot<V1Deployment>(
            [web], inFirstList ? new Dictionary<string, long> { [web.Metadata.Uid] = firstListGeneration } : new Dictionary<string, long>());

        var evaluation = _evaluator.Evaluate(new RolloutSnapshot { Deployments = deployments, CountFrom = CountFrom }, RolloutMemory.Empty, Now);

        if (fatal)
        {
            evaluation.Fatal!.Workload.Should().Be(new FailedWorkload("Deployment/web", new FatalState("ProgressDeadlineExceeded", "", "ReplicaSet \"web-2\" has timed out progressing.", null, 0)));
            evaluation.Fatal.Pods.Should().BeEmpty();
        }
        else
        {
            evaluation.Fatal.Should().BeNull();
        }
    }

    [Fact]
    public void Unschedulable_TheGraceCountsFromTheFirstSighting()
    {
        var evaluator = new RolloutEvaluator(Release, Namespace, new FailFastOptions { UnschedulableGrace = TimeSpan.FromSeconds(30) });
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        // The condition itself says an hour: the watcher only trusts what it saw.
        var pod = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), phase: "Pending", condition: Unschedulable(HelmStarted.AddHours(-1)));
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), Pods = Later(pod), CountFrom = CountFrom };
        var firstSeen = HelmStarted.AddSeconds(2);

        var first = evaluator.Evaluate(snapshot, RolloutMemory.Empty, firstSeen);
        var within = evaluator.Evaluate(snapshot, first.Memory, firstSeen.AddSeconds(29));
        var after = evaluator.Evaluate(snapshot, within.Memory, firstSeen.AddSeconds(30));

        first.Fatal.Should().BeNull();
        first.WakeAt.Should().Be(firstSeen.AddSeconds(30));
        first.Memory.UnschedulableSince.Should().Equal(new Dictionary<string, DateTimeOffset> { [pod.Metadata.Uid] = firstSeen });
        within.Fatal.Should().BeNull();
        within.WakeAt.Should().Be(firstSeen.AddSeconds(30), "the first sighting is remembered, not the last");
        after.Fatal!.Pods.Single().State.Should().Be(new FatalState("Unschedulable", "", "0/1 nodes are available: 1 Insufficient memory.", null, 0));
    }

    [Fact]
    public void Unschedulable_ThatGotScheduled_IsForgotten_AndItsGraceStartsAgain()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var pending = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), phase: "Pending", condition: Unschedulable(HelmStarted));
        var scheduled = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), Running());
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), Pods = Later(pending), CountFrom = CountFrom };

        var first = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now);
        var cleared = _evaluator.Evaluate(snapshot with { Pods = Later(scheduled) }, first.Memory, Now.AddSeconds(10));
        var again = _evaluator.Evaluate(snapshot, cleared.Memory, Now.AddSeconds(40));

        cleared.Memory.UnschedulableSince.Should().BeEmpty();
        cleared.WakeAt.Should().BeNull();
        again.Fatal.Should().BeNull("the grace counts from the new sighting");
        again.WakeAt.Should().Be(Now.AddSeconds(70));
    }

    [Fact]
    public void AFailedJobsPods_AreItsEvidence_EndedPodsFirst()
    {
        var migrate = Job("web-migrate", HelmStarted.AddSeconds(1), failed: true);
        var pending = Pod("web-migrate-a", migrate, HelmStarted.AddSeconds(1), Waiting("ContainerCreating"), phase: "Pending");
        var secondFailure = Pod("web-migrate-c", migrate, HelmStarted.AddSeconds(20), Exited(2), phase: "Failed");
        var firstFailure = Pod("web-migrate-b", migrate, HelmStarted.AddSeconds(10), Exited(1), phase: "Failed");
        var succeeded = Pod("web-migrate-d", migrate, HelmStarted.AddSeconds(30), phase: "Succeeded");
        var snapshot = new RolloutSnapshot { Jobs = Later(migrate), Pods = Later(pending, secondFailure, firstFailure, succeeded), CountFrom = CountFrom };

        var fatal = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now).Fatal!;

        fatal.Workload!.Name.Should().Be("Job/web-migrate");
        fatal.Pods.Select(p => (p.Pod.Metadata.Name, p.State.Reason, p.State.ExitCode)).Should().Equal(
            ("web-migrate-b", "Error", 1), ("web-migrate-c", "Error", 2), ("web-migrate-a", "ContainerCreating", null));
    }

    [Fact]
    public void PodsOnceSeen_StayEvidenceAfterTheyAreDeleted()
    {
        // Helm's hook-delete-policy (or its rollback) may remove the pods before the Job's failure is seen.
        var running = Job("web-migrate", HelmStarted.AddSeconds(1));
        var pod = Pod("web-migrate-a", running, HelmStarted.AddSeconds(1), Exited(1), phase: "Failed");
        var snapshot = new RolloutSnapshot { Jobs = Later(running), Pods = Later(pod), CountFrom = CountFrom };

        var before = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now);
        var failed = Job("web-migrate", HelmStarted.AddSeconds(1), failed: true);
        var after = _evaluator.Evaluate(snapshot with { Jobs = Later(failed), Pods = Later<V1Pod>() }, before.Memory, Now.AddSeconds(5));

        before.Fatal.Should().BeNull();
        after.Fatal!.Pods.Select(p => p.Pod.Metadata.Name).Should().Equal("web-migrate-a");
        after.Memory.Seen.Should().ContainKey(pod.Metadata.Uid);
    }

    [Fact]
    public void ASlowStartAndASingleRestart_AreNotFatal_HoweverLongTheyTake()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), CountFrom = CountFrom };

        var memory = RolloutMemory.Empty;
        for (var minute = 0; minute <= 10; minute++)
        {
            var pods = Later(
                Pod("web-2-slow", rs, HelmStarted.AddSeconds(1), Running()), // running, readiness probe not passed yet
                Pod("web-2-once", rs, HelmStarted.AddSeconds(1), CrashLooping(restarts: 1)), // backing off after its single crash
                Pod("web-2-back", rs, HelmStarted.AddSeconds(1), Running(restarts: 1))); // running again after it
            var evaluation = _evaluator.Evaluate(snapshot with { Pods = pods }, memory, Now.AddMinutes(minute));

            evaluation.Fatal.Should().BeNull();
            evaluation.WakeAt.Should().BeNull("nothing is on a grace period");
            memory = evaluation.Memory;
        }

        memory.Seen.Should().HaveCount(3);
    }

    [Fact]
    public void Evaluate_IsPure_ItsInputsStayAsTheyWere()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var pod = Pod("web-2-abcde", rs, HelmStarted.AddSeconds(1), phase: "Pending", condition: Unschedulable(HelmStarted));
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), Pods = Later(pod), CountFrom = CountFrom };
        var memory = RolloutMemory.Empty;

        var once = _evaluator.Evaluate(snapshot, memory, Now);
        var twice = _evaluator.Evaluate(snapshot, memory, Now);

        memory.Seen.Should().BeEmpty();
        memory.UnschedulableSince.Should().BeEmpty();
        twice.Memory.Seen.Should().Equal(once.Memory.Seen);
        twice.Memory.UnschedulableSince.Should().Equal(once.Memory.UnschedulableSince);
        twice.WakeAt.Should().Be(once.WakeAt);
    }

    [Fact]
    public void Failing_ReportsEverySeenPodThatIsNotReady_FatalStatesFirst_AndUnschedulableWithoutGrace()
    {
        var web = Deployment(generation: 2);
        var rs = ReplicaSet(web, 2);
        var slow = Pod("web-2-slow", rs, HelmStarted.AddSeconds(1), Running());
        var pull = Pod("web-2-pull", rs, HelmStarted.AddSeconds(1), Waiting("ImagePullBackOff", "Back-off pulling image"), phase: "Pending");
        var ready = Pod("web-2-ready", rs, HelmStarted.AddSeconds(1), Running(ready: true), ready: true);
        var pending = Pod("web-2-pending", rs, HelmStarted.AddSeconds(1), phase: "Pending", condition: Unschedulable(Now));
        var snapshot = new RolloutSnapshot { Deployments = Later(web), ReplicaSets = Later(rs), Pods = Later(slow, pull, ready, pending), CountFrom = CountFrom };
        var memory = _evaluator.Evaluate(snapshot with { Pods = Later(slow, ready, pending) }, RolloutMemory.Empty, Now).Memory;
        memory = _evaluator.Evaluate(snapshot, memory, Now).Memory;

        var finding = _evaluator.Failing(snapshot, memory, Now);

        finding.Pods.Select(p => p.Pod.Metadata.Name).Should().BeEquivalentTo(["web-2-slow", "web-2-pull", "web-2-pending"]);
        finding.Pods.Select(p => p.State.Reason).Take(2).Should().BeEquivalentTo(["ImagePullBackOff", "Unschedulable"]);
        finding.Pods[^1].State.Should().Be(new FatalState("NotReady", "web", "Running", null, 0));
        finding.Workload.Should().BeNull();
    }

    [Fact]
    public void Failing_NamesAStatefulSetPodStuckOnAnEarlierRevision_ThoughItIsNotOfTheNewTemplate()
    {
        var db = StatefulSet("db", "db-new");
        var ok = Pod("db-0", db, HelmStarted.AddSeconds(2), Running(ready: true), revisionHash: "db-new", ready: true);
        var stuck = Pod("db-1", db, HelmStarted.AddHours(-3), Waiting("ImagePullBackOff", "Back-off pulling image \"registry.example/missing:1\""),
            phase: "Pending", revisionHash: "db-broken");
        var snapshot = new RolloutSnapshot { StatefulSets = Later(db), Pods = Listed(ok, stuck), CountFrom = CountFrom };
        var memory = _evaluator.Evaluate(snapshot, RolloutMemory.Empty, Now).Memory;

        var finding = _evaluator.Failing(snapshot, memory, Now);

        memory.Seen.Values.Select(c => c.Pod.Metadata.Name).Should().NotContain("db-1", "it is not of the new template, so fail-fast never counts it");
        var named = finding.Pods.Should().ContainSingle().Subject;
        named.Pod.Metadata.Name.Should().Be("db-1");
        named.Workload.Should().Be("StatefulSet/db");
        named.State.Reason.Should().Be("ImagePullBackOff");
    }

    [Fact]
    public void NotReady_DescribesEachReleaseWorkloadThatIsNotReady()
    {
        var web = Deployment(generation: 2);
        web.Status.ReadyReplicas = 1;
        web.Status.UpdatedReplicas = 0;
        var db = StatefulSet("db", "db-1");
        var migrate = Job("web-migrate", HelmStarted.AddSeconds(1), failed: true);
        var done = Deployment("api");
        done.Status.ReadyReplicas = 2;
        done.Status.UpdatedReplicas = 2;

        var notReady = _evaluator.NotReady(new RolloutSnapshot { Deployments = Later(web, done), StatefulSets = Later(db), Jobs = Later(migrate), CountFrom = CountFrom });

        notReady.Should().Equal(
            new NotReadyWorkload("Deployment/web", "1/2 ready, 0 updated"),
            new NotReadyWorkload("StatefulSet/db", "0/2 ready"),
            new NotReadyWorkload("Job/web-migrate", "BackoffLimitExceeded: Job has reached the specified backoff limit"));
    }

    [Fact]
    public void NotReady_LeavesOutADeploymentWithAllWantedReplicasReady_EvenWhileItsRolloutIsIncomplete()
    {
        // "Deployment/web: 2/2 ready, 1 updated" is a rollout still replacing pods, not a workload that is not ready.
        var web = Deployment(generation: 2);
        web.Status.ReadyReplicas = 2;
        web.Status.UpdatedReplicas = 1;
        var api = Deployment("api", generation: 2);
        api.Status.ReadyReplicas = 1;
        api.Status.UpdatedReplicas = 2;

        var notReady = _evaluator.NotReady(new RolloutSnapshot { Deployments = Later(web, api), CountFrom = CountFrom });

        notReady.Should().Equal(new NotReadyWorkload("Deployment/api", "1/2 ready, 2 updated"));
    }

    private static RolloutSnapshot Cluster(V1Deployment deployment, V1ReplicaSet[] replicaSets, V1Pod[] pods) => new()
    {
        Deployments = Later(deployment),
        ReplicaSets = Later(replicaSets),
        Pods = Later(pods),
        CountFrom = CountFrom,
    };
}
