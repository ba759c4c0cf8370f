using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

public sealed class FailFastRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
    private static readonly FailFastOptions Defaults = new();

    [Fact]
    public void CrashLoopBackOff_AtTheThreshold_IsFatal()
    {
        var pod = Pod(Container(restarts: 2, waiting: ("CrashLoopBackOff", "back-off 2s restarting failed container"), last: ("Error", 1)));

        var fatal = FailFastRules.Pod(pod, Defaults, Now);

        fatal.Should().Be(new FatalState("CrashLoopBackOff", "web", "back-off 2s restarting failed container", 1, 2));
        fatal!.Describe().Should().Be("CrashLoopBackOff after 2 restarts, exit code 1");
    }

    [Fact]
    public void CrashLoopBackOff_BelowTheThreshold_Waits()
    {
        var pod = Pod(Container(restarts: 1, waiting: ("CrashLoopBackOff", "back-off 1s"), last: ("Error", 1)));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void CrashLoopBackOff_HonoursAConfiguredThreshold()
    {
        var pod = Pod(Container(restarts: 1, waiting: ("CrashLoopBackOff", "back-off 1s"), last: ("Error", 3)));

        FailFastRules.Pod(pod, Defaults with { RestartThreshold = 1 }, Now)!.Describe().Should().Be("CrashLoopBackOff after 1 restart, exit code 3");
    }

    [Theory]
    [InlineData("ImagePullBackOff")]
    [InlineData("ErrImagePull")]
    [InlineData("InvalidImageName")]
    [InlineData("CreateContainerConfigError")]
    [InlineData("CreateContainerError")]
    public void WaitingReasonsThatNeverHeal_AreFatalAtOnce(string reason)
    {
        var pod = Pod(Container(restarts: 0, waiting: (reason, "the message")));

        var fatal = FailFastRules.Pod(pod, Defaults, Now);

        fatal.Should().Be(new FatalState(reason, "web", "the message", null, 0));
        fatal!.Describe().Should().Be(reason + ": the message");
    }

    [Theory]
    [InlineData("ContainerCreating")]
    [InlineData("PodInitializing")]
    public void OrdinaryWaiting_Waits(string reason)
    {
        FailFastRules.Pod(Pod(Container(restarts: 0, waiting: (reason, null))), Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void OomKilledInLastState_AtTheThreshold_IsFatal()
    {
        var pod = Pod(Container(restarts: 2, waiting: ("CrashLoopBackOff", "back-off"), last: ("OOMKilled", 137)));

        FailFastRules.Pod(pod, Defaults, Now)!.Describe().Should().Be("OOMKilled after 2 restarts, exit code 137");
    }

    [Fact]
    public void OomKilledInCurrentState_AtTheThreshold_IsFatal()
    {
        var pod = Pod(Container(restarts: 3, terminated: ("OOMKilled", 137)));

        FailFastRules.Pod(pod, Defaults, Now)!.Reason.Should().Be("OOMKilled");
    }

    [Fact]
    public void OomKilledOnce_Waits()
    {
        var pod = Pod(Container(restarts: 1, waiting: ("CrashLoopBackOff", "back-off"), last: ("OOMKilled", 137)));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void RestartedOnceThenRunning_IsNotFatal()
    {
        var pod = Pod(Container(restarts: 1, running: true, last: ("Error", 1)));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void RunningAfterManyRestarts_IsNotFatal()
    {
        // An old, healthy pod that crashed in the past is running now: nothing to stop.
        var pod = Pod(Container(restarts: 7, running: true, last: ("Error", 1)));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void SlowReadiness_IsNotFatal()
    {
        var pod = Pod(Container(restarts: 0, running: true));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void InitContainerCrashLoop_IsFatal()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Status = new V1PodStatus
            {
                InitContainerStatuses = [Container(restarts: 2, waiting: ("CrashLoopBackOff", "x"), last: ("Error", 2), name: "migrate")],
                ContainerStatuses = [Container(restarts: 0, waiting: ("PodInitializing", null))],
            },
        };

        FailFastRules.Pod(pod, Defaults, Now).Should().Be(new FatalState("CrashLoopBackOff", "migrate", "x", 2, 2));
    }

    [Fact]
    public void Unschedulable_WithinTheGrace_Waits()
    {
        var pod = Unschedulable(Now.AddSeconds(-29));

        FailFastRules.Pod(pod, Defaults, Now).Should().BeNull();
    }

    [Fact]
    public void Unschedulable_LongerThanTheGrace_IsFatal()
    {
        var pod = Unschedulable(Now.AddSeconds(-30));

        FailFastRules.Pod(pod, Defaults, Now).Should().Be(new FatalState("Unschedulable", "", "0/1 nodes are available: 1 Insufficient memory.", null, 0));
    }

    [Fact]
    public void Unschedulable_TheWatchersOwnFirstSightingWins()
    {
        var pod = Unschedulable(Now.AddMinutes(-5));

        FailFastRules.Pod(pod, Defaults with { UnschedulableGrace = TimeSpan.FromSeconds(3) }, Now, unschedulableSince: Now.AddSeconds(-2)).Should().BeNull();
        FailFastRules.Pod(pod, Defaults with { UnschedulableGrace = TimeSpan.FromSeconds(3) }, Now, unschedulableSince: Now.AddSeconds(-3)).Should().NotBeNull();
    }

    [Fact]
    public void Deployment_ProgressDeadlineExceeded_IsFatal()
    {
        var deployment = new V1Deployment
        {
            Status = new V1DeploymentStatus
            {
                Conditions =
                [
                    new V1DeploymentCondition { Type = "Available", Status = "False", Reason = "MinimumReplicasUnavailable" },
                    new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"web-abc\" has timed out progressing." },
                ],
            },
        };

        FailFastRules.Deployment(deployment).Should().Be(new FatalState("ProgressDeadlineExceeded", "", "ReplicaSet \"web-abc\" has timed out progressing.", null, 0));
    }

    [Fact]
    public void Deployment_StillProgressing_Waits()
    {
        var deployment = new V1Deployment
        {
            Status = new V1DeploymentStatus { Conditions = [new V1DeploymentCondition { Type = "Progressing", Status = "True", Reason = "ReplicaSetUpdated" }] },
        };

        FailFastRules.Deployment(deployment).Should().BeNull();
        FailFastRules.Deployment(new V1Deployment()).Should().BeNull();
    }

    [Fact]
    public void Job_Failed_IsFatal()
    {
        var job = new V1Job
        {
            Status = new V1JobStatus
            {
                Failed = 7,
                Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit" }],
            },
        };

        FailFastRules.Job(job)!.Describe().Should().Be("BackoffLimitExceeded: Job has reached the specified backoff limit");
    }

    [Fact]
    public void Job_RunningOrComplete_Waits()
    {
        FailFastRules.Job(new V1Job { Status = new V1JobStatus { Active = 1, Failed = 1 } }).Should().BeNull();
        FailFastRules.Job(new V1Job { Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }] } }).Should().BeNull();
    }

    private static V1Pod Pod(V1ContainerStatus status) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-abc12" },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [status] },
    };

    private static V1Pod Unschedulable(DateTimeOffset since) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-abc12" },
        Status = new V1PodStatus
        {
            Phase = "Pending",
            Conditions =
            [
                new V1PodCondition
                {
                    Type = "PodScheduled",
                    Status = "False",
                    Reason = "Unschedulable",
                    Message = "0/1 nodes are available: 1 Insufficient memory.",
                    LastTransitionTime = since.UtcDateTime,
                },
            ],
        },
    };

    private static V1ContainerStatus Container(
        int restarts,
        (string Reason, string? Message)? waiting = null,
        (string Reason, int ExitCode)? last = null,
        (string Reason, int ExitCode)? terminated = null,
        bool running = false,
        string name = "web") => new()
    {
        Name = name,
        Image = "sim.local/crash",
        ImageID = "",
        Ready = false,
        RestartCount = restarts,
        State = new V1ContainerState
        {
            Waiting = waiting is { } w ? new V1ContainerStateWaiting { Reason = w.Reason, Message = w.Message } : null,
            Terminated = terminated is { } t ? new V1ContainerStateTerminated { Reason = t.Reason, ExitCode = t.ExitCode } : null,
            Running = running ? new V1ContainerStateRunning() : null,
        },
        LastState = last is { } l ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = l.Reason, ExitCode = l.ExitCode } } : null,
    };
}
