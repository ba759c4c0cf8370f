using HelmSentinel.Kubernetes;
using k8s.Models;

namespace HelmSentinel.Tests.Kubernetes;

public sealed class PodStartupsTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 15, 0, 0, DateTimeKind.Utc);

    private static Candidate Pod(string name, string workload, int createdAt, int? readyAt, V1Probe? readiness = null, V1Probe? startup = null) => new(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = "uid-" + name, CreationTimestamp = T0.AddSeconds(createdAt) },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "web:2", ReadinessProbe = readiness, StartupProbe = startup }] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition
            {
                Type = "Ready",
                Status = readyAt is null ? "False" : "True",
                LastTransitionTime = T0.AddSeconds(readyAt ?? createdAt),
            }],
        },
    }, workload);

    [Fact]
    public void EachWorkload_GetsItsReadyPodsTimesFromCreationToReady_ShortestFirst()
    {
        var probe = new V1Probe { InitialDelaySeconds = 5, PeriodSeconds = 5 };
        var startups = PodStartups.Of([
            Pod("web-a", "Deployment/web", 0, 41, probe),
            Pod("web-b", "Deployment/web", 10, 48, probe),
            Pod("web-c", "Deployment/web", 20, null, probe),
            Pod("db-0", "StatefulSet/db", 3, 5),
            Pod("migrate", "Job/migrate", 0, 30),
        ]);

        startups.Should().HaveCount(2, "a Job's pods end instead of serving, and a workload needs a Ready pod");
        var web = startups.Single(s => s.Workload == "Deployment/web");
        web.ReadyAfter.Should().Equal(TimeSpan.FromSeconds(38), TimeSpan.FromSeconds(41));
        web.Median.Should().Be(TimeSpan.FromSeconds(38));
        web.Max.Should().Be(TimeSpan.FromSeconds(41));
        web.Containers.Should().Equal(new ContainerProbes("web", new ProbeTiming(5, 5, 3), null));
        startups.Single(s => s.Workload == "StatefulSet/db").ReadyAfter.Should().Equal(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void AProbe_LeftAtItsDefaults_ReadsAsTheApiServerFillsThem()
    {
        ProbeTiming.Of(new V1Probe()).Should().Be(new ProbeTiming(0, 10, 3));
        ProbeTiming.Of(null).Should().BeNull();
    }
}
