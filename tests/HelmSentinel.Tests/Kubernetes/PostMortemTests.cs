using HelmSentinel.Kubernetes;
using k8s.Models;
using static HelmSentinel.Tests.Kubernetes.Snapshots;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>The post-mortem's wording and event selection, without a cluster (its reads are covered against the simulator).</summary>
public sealed class PostMortemTests
{
    private static readonly V1Deployment Web = Deployment(generation: 2);
    private static readonly V1ReplicaSet WebRs = ReplicaSet(Web, 2);
    private static readonly FatalState Crash = new("CrashLoopBackOff", "web", "back-off", 1, 2);
    private static readonly FatalState NotReady = new("NotReady", "web", "Running", null, 0);
    private static readonly FatalState Backoff = new("BackoffLimitExceeded", "", "Job has reached the specified backoff limit", null, 0);

    [Fact]
    public void Summary_NamesTheFirstPodAndItsWorkload()
    {
        var finding = new Finding([Failing("web-2-abcde", "Deployment/web", Crash), Failing("web-2-fghij", "Deployment/web", NotReady)], null);

        PostMortem.Summary(finding, ["Deployment/web: 0/2 ready, 0 updated"]).Should().Be("pod web-2-abcde (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1");
    }

    [Fact]
    public void Summary_OfAWorkloadThatFailedAsAWhole_NamesItThenItsPod()
    {
        var finding = new Finding([Failing("web-migrate-x1", "Job/web-migrate", new FatalState("Error", "migrate", null, 3, 0))], new FailedWorkload("Job/web-migrate", Backoff));

        PostMortem.Summary(finding, []).Should().Be("Job web-migrate: BackoffLimitExceeded: Job has reached the specified backoff limit; pod web-migrate-x1: Error");
    }

    [Fact]
    public void Summary_PrefersAFailedWorkloadToAPodThatIsMerelyNotReady()
    {
        var finding = new Finding([Failing("web-2-abcde", "Deployment/web", NotReady)], new FailedWorkload("Job/web-migrate", Backoff));

        PostMortem.Summary(finding, []).Should().Be("Job web-migrate: BackoffLimitExceeded: Job has reached the specified backoff limit");
    }

    [Fact]
    public void Summary_WithNoFailingPodOrWorkload_IsTheFirstNotReadyWorkload_OrSaysSo()
    {
        var nothing = new Finding([], null);

        PostMortem.Summary(nothing, ["Deployment/web: 1/2 ready, 1 updated", "StatefulSet/db: 0/1 ready"]).Should().Be("Deployment/web: 1/2 ready, 1 updated");
        PostMortem.Summary(nothing, []).Should().Be("no failing pod found");
    }

    [Fact]
    public void WarningEvents_OfThePodItsReplicaSetAndItsDeployment_LastOnesOldestFirst_Masked()
    {
        var pod = Pod("web-2-abcde", WebRs, HelmStarted);
        Corev1Event[] events =
        [
            Event("Warning", "FailedMount", "token s3cret", pod.Metadata.Uid, HelmStarted.AddSeconds(1)),
            Event("Normal", "Pulled", "pulled", pod.Metadata.Uid, HelmStarted.AddSeconds(2)),
            Event("Warning", "BackOff", "Back-off restarting failed container web", pod.Metadata.Uid, HelmStarted.AddSeconds(9), count: 4),
            Event("Warning", "ReplicaSetCreateError", "quota", WebRs.Metadata.Uid, HelmStarted.AddSeconds(3)),
            Event("Warning", "ProgressDeadlineExceeded", "too slow", Web.Metadata.Uid, HelmStarted.AddSeconds(5)),
            Event("Warning", "BackOff", "another pod", "pod-other", HelmStarted.AddSeconds(6)),
        ];

        var lines = PostMortem.WarningEvents(events, pod, uid => uid == WebRs.Metadata.Uid ? WebRs : null, 3, s => s.Replace("s3cret", "***", StringComparison.Ordinal));
        var all = PostMortem.WarningEvents(events, pod, uid => uid == WebRs.Metadata.Uid ? WebRs : null, 5, s => s.Replace("s3cret", "***", StringComparison.Ordinal));

        lines.Should().Equal("ReplicaSetCreateError: quota", "ProgressDeadlineExceeded: too slow", "BackOff: Back-off restarting failed container web (x4)");
        all[0].Should().Be("FailedMount: token ***");
        all.Should().HaveCount(4);
    }

    private static FailingPod Failing(string name, string workload, FatalState state) =>
        new(Pod(name, WebRs, HelmStarted), workload, state);

    private static Corev1Event Event(string type, string reason, string message, string uid, DateTimeOffset at, int count = 1) => new()
    {
        Type = type,
        Reason = reason,
        Message = message,
        Count = count,
        LastTimestamp = at.UtcDateTime,
        InvolvedObject = new V1ObjectReference { Uid = uid },
        Metadata = new V1ObjectMeta { Name = reason + at.Ticks },
    };
}
