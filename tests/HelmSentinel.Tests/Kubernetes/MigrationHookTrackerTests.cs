using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

public class MigrationHookTrackerTests
{
    private static readonly DateTimeOffset HelmStarted = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, long> NoneListed = new(StringComparer.Ordinal);

    [Fact]
    public void AMigrationJob_IsFollowedWhileItRuns_AndRecordedWhenItCompletes()
    {
        var tracker = new MigrationHookTracker(MigrationHookSelection.Heuristic);
        var job = Job("shop-migrate", complete: false);
        var running = Pod("shop-migrate-x1", job, running: true);

        var reads = tracker.Observe(Snapshot([job], [running]), HelmStarted.AddSeconds(1));

        reads.Should().ContainSingle().Which.Should().Match<LogRead>(r => r.Follow && r.Container == "migrate" && r.Hook == "Job/shop-migrate");
        tracker.Runs.Should().ContainSingle().Which.Should().Match<MigrationHookRun>(r => r.Started == HelmStarted.AddSeconds(1) && !r.Completed && r.Ended == null);

        var reads2 = tracker.Observe(Snapshot([Job("shop-migrate", complete: true)], [Pod("shop-migrate-x1", job, running: false)]), HelmStarted.AddSeconds(5));
        tracker.Logs("Job/shop-migrate", ["applied 0042_orders"]);

        reads2.Should().BeEmpty("its log is followed already");
        var run = tracker.Runs.Should().ContainSingle().Which;
        run.Completed.Should().BeTrue();
        run.Ended.Should().Be(HelmStarted.AddSeconds(5));
        run.ExitCode.Should().Be(0);
        run.Pod.Should().Be("shop-migrate-x1");
        run.LastLogLines.Should().Equal("applied 0042_orders");
    }

    [Fact]
    public void AMigrationFirstSeenEnded_HasItsLogReadOnce()
    {
        var tracker = new MigrationHookTracker(MigrationHookSelection.Heuristic);
        var job = Job("shop-migrate", complete: true);
        var snapshot = Snapshot([job], [Pod("shop-migrate-x1", job, running: false)]);

        tracker.Observe(snapshot, HelmStarted).Should().ContainSingle().Which.Follow.Should().BeFalse();
        tracker.Observe(snapshot, HelmStarted.AddSeconds(1)).Should().BeEmpty();
    }

    [Fact]
    public void OtherHooks_TheOldRevisionsJobs_AndDetectionOff_AreNotTracked()
    {
        var seed = Job("shop-seed", complete: true);
        var old = Job("shop-migrate", complete: true, created: HelmStarted.AddMinutes(-10));
        var snapshot = Snapshot([seed, old], [], listed: old);

        new MigrationHookTracker(MigrationHookSelection.Heuristic).Observe(snapshot, HelmStarted).Should().BeEmpty();
        var off = new MigrationHookTracker(MigrationHookSelection.Off);
        off.Observe(Snapshot([Job("shop-migrate", complete: true)], []), HelmStarted);
        off.Runs.Should().BeEmpty();
    }

    private static RolloutSnapshot Snapshot(V1Job[] jobs, V1Pod[] pods, V1Job? listed = null) => new()
    {
        Jobs = new KindSnapshot<V1Job>(jobs, listed is null ? NoneListed : new Dictionary<string, long>(StringComparer.Ordinal) { [listed.Metadata.Uid] = 0 }),
        Pods = new KindSnapshot<V1Pod>(pods, NoneListed),
        CountFrom = HelmStarted.AddSeconds(-2),
    };

    private static V1Job Job(string name, bool complete, DateTimeOffset? created = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, Uid = "uid-" + name, CreationTimestamp = (created ?? HelmStarted).UtcDateTime,
            Annotations = new Dictionary<string, string> { ["helm.sh/hook"] = "pre-upgrade" },
        },
        Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "migrate", Image = "tools" }] } } },
        Status = new V1JobStatus { Conditions = complete ? [new V1JobCondition { Type = "Complete", Status = "True" }] : [] },
    };

    private static V1Pod Pod(string name, V1Job job, bool running) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, Uid = "uid-" + name, CreationTimestamp = HelmStarted.UtcDateTime,
            OwnerReferences = [new V1OwnerReference { Controller = true, Uid = job.Metadata.Uid, Kind = "Job", Name = job.Metadata.Name, ApiVersion = "batch/v1" }],
        },
        Status = new V1PodStatus
        {
            Phase = running ? "Running" : "Succeeded",
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "migrate",
                    State = running
                        ? new V1ContainerState { Running = new V1ContainerStateRunning() }
                        : new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } },
                },
            ],
        },
    };
}
