using HelmSentinel.Deploy;
using HelmSentinel.Kubernetes;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Deploy;

public sealed class RolloutAdviceTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private static WorkloadStartup Web(int[] seconds, params ContainerProbes[] containers) =>
        new("Deployment/web", [.. seconds.Order().Select(s => TimeSpan.FromSeconds(s))], containers);

    private static ContainerProbes Readiness(int delay, int period, string name = "web") => new(name, new ProbeTiming(delay, period, 3), null);

    private static IReadOnlyList<string> Advice(TimeSpan? duration, params WorkloadStartup[] startups) =>
        RolloutAdvice.From(new MeasuredRollout(duration, startups), FiveMinutes);

    [Fact]
    public void PodsReadyLongAfterTheirReadinessProbeStarts_AreAdvisedAStartupProbe()
    {
        Advice(null, Web([36, 38, 41], Readiness(5, 5))).Should().Equal(
            "pods of Deployment/web became Ready 41 s after creation (p50 38 s, max 41 s); its readinessProbe starts at 5 s and probes every 5 s: " +
            "about 7 failed probes per start — consider a startupProbe");
    }

    [Fact]
    public void OnePod_IsNamedAsOne_AndSeveralContainers_ByName()
    {
        Advice(null, Web([20], Readiness(0, 2, "api"), Readiness(15, 10, "sidecar"))).Should().Equal(
            "the pod of Deployment/web became Ready 20 s after creation; container api's readinessProbe starts at 0 s and probes every 2 s: " +
            "about 10 failed probes per start — consider a startupProbe");
    }

    [Theory]
    [InlineData(14, 5, 5)] // two probes failed: within the probe's first periods
    [InlineData(4, 0, 2)]
    [InlineData(3, 5, 5)] // Ready before the first probe could even run
    public void PodsReadyWithinTheProbesFirstPeriods_GetNoAdvice(int ready, int delay, int period)
    {
        Advice(TimeSpan.FromSeconds(30), Web([ready], Readiness(delay, period))).Should().BeEmpty();
    }

    [Fact]
    public void NoProbe_OrAFastRollout_GetsNoAdvice()
    {
        Advice(TimeSpan.FromSeconds(149), Web([90], new ContainerProbes("web", null, null))).Should().BeEmpty();
        Advice(TimeSpan.FromSeconds(5)).Should().BeEmpty();
        Advice(null).Should().BeEmpty();
    }

    [Fact]
    public void AStartupProbeNearlyUsedUp_IsAdvice_AndItsReadinessProbeIsNot()
    {
        var probes = new ContainerProbes("web", new ProbeTiming(0, 1, 3), new ProbeTiming(10, 5, 8));

        Advice(null, Web([35, 40], probes)).Should().Equal(
            "pods of Deployment/web became Ready 40 s after creation (p50 35 s, max 40 s); its startupProbe allows 50 s (10 s + 8 × 5 s) " +
            "before the container is restarted — raise its failureThreshold");
        Advice(null, Web([20, 37], probes)).Should().BeEmpty("37 s is less than three quarters of its 50 s");
    }

    [Fact]
    public void TheReadmesExample_IsWhatTheAdviceSays()
    {
        var readme = File.ReadAllText(Path.Combine(Tools.RepoRoot, "README.md"));

        var example = Advice(TimeSpan.FromSeconds(250), Web([36, 38, 41], Readiness(5, 5)));

        example.Should().HaveCount(2);
        foreach (var advice in example)
        {
            readme.Should().Contain("     - " + advice + "\n");
        }
    }

    [Fact]
    public void ARolloutTakingHalfItsTimeout_OrMore_IsAdvice()
    {
        Advice(TimeSpan.FromSeconds(250.4)).Should().Equal(
            "the rollout took 4m10s of a 5m timeout: a slightly slower one fails; raise the timeout, or make the pods Ready sooner");
        Advice(TimeSpan.FromSeconds(150)).Should().ContainSingle().Which.Should().StartWith("the rollout took 2m30s of a 5m timeout");
        Advice(TimeSpan.FromSeconds(149)).Should().BeEmpty();
    }
}
