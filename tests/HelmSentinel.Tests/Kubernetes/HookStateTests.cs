using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>The clean-up's verdict on one hook Job or Pod, as the API server reports them (no cluster).</summary>
public class HookStateTests
{
    [Fact]
    public void AJobStillPulling_HasNotSucceeded()
    {
        var job = Job(succeeded: 0, active: 1);

        HookCleanup.JobState(job).Should().Be(new HookState(false, "was still running (0/1 succeeded)"));
    }

    [Fact]
    public void ACompletedJob_HasSucceeded()
    {
        var job = Job(succeeded: 1, conditions: [Condition("SuccessCriteriaMet", "CompletionsReached"), Condition("Complete", "CompletionsReached")]);

        HookCleanup.JobState(job).Should().Be(new HookState(true, "completed (1/1 succeeded)"));
    }

    [Fact]
    public void AJobThatMetItsCriteriaButIsNotCompleteYet_HasNotSucceeded()
    {
        // Kubernetes 1.31+: SuccessCriteriaMet comes first, Complete once the pods are gone.
        var job = Job(succeeded: 1, conditions: [Condition("SuccessCriteriaMet", "CompletionsReached")]);

        HookCleanup.JobState(job).Succeeded.Should().BeFalse();
    }

    [Fact]
    public void AFailedJob_SaysWhy()
    {
        var job = Job(succeeded: 0, conditions: [Condition("FailureTarget", "BackoffLimitExceeded"), Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")]);

        HookCleanup.JobState(job).Should().Be(new HookState(false, "had failed (BackoffLimitExceeded: Job has reached the specified backoff limit)"));
    }

    [Fact]
    public void AConditionThatIsFalse_CountsForNothing()
    {
        var job = Job(succeeded: 0, conditions: [new V1JobCondition { Type = "Complete", Status = "False" }]);

        HookCleanup.JobState(job).Should().Be(new HookState(false, "was still running (0/1 succeeded)"));
    }

    [Fact]
    public void ASuspendedJob_SaysSo()
    {
        var job = Job(succeeded: 1, completions: 3);
        job.Spec.Suspend = true;

        HookCleanup.JobState(job).Should().Be(new HookState(false, "was suspended (1/3 succeeded)"));
    }

    [Theory]
    [InlineData("Succeeded", null, null, true, "succeeded")]
    [InlineData("Pending", "ImagePullBackOff", null, false, "was still Pending (migrate: ImagePullBackOff)")]
    [InlineData("Pending", null, null, false, "was still Pending")]
    [InlineData("Running", null, null, false, "was still Running")]
    [InlineData("Failed", null, 1, false, "had failed (migrate: Error, exit code 1)")]
    [InlineData(null, null, null, false, "was still Pending")]
    public void APod_IsDoneOnlyWhenItSucceeded(string? phase, string? waiting, int? exitCode, bool succeeded, string text)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "shop-check", Uid = "pod-1" },
            Status = phase is null ? null : new V1PodStatus
            {
                Phase = phase,
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "migrate",
                        Image = "registry.example/missing",
                        ImageID = "",
                        Ready = false,
                        RestartCount = 0,
                        State = waiting is not null ? new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = waiting } }
                            : exitCode is { } code ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = code } }
                            : new V1ContainerState(),
                    },
                ],
            },
        };

        HookCleanup.PodState(pod).Should().Be(new HookState(succeeded, text));
    }

    private static V1Job Job(int succeeded, int active = 0, int? completions = null, List<V1JobCondition>? conditions = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "shop-migrate", Uid = "job-1" },
        Spec = new V1JobSpec { Completions = completions, Template = new V1PodTemplateSpec() },
        Status = new V1JobStatus { Succeeded = succeeded, Active = active, Conditions = conditions },
    };

    private static V1JobCondition Condition(string type, string reason, string? message = null) =>
        new() { Type = type, Status = "True", Reason = reason, Message = message };
}
