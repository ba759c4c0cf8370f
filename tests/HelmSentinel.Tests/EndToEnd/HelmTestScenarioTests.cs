using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// helm test with the real Helm 3.17.2 and 4.1.4 against the simulator, the test pods' logs recorded beside it: the
/// fixture-tested chart's test pod is deleted by its policy (hook-succeeded,hook-failed) as soon as it ends.
/// </summary>
public sealed class HelmTestScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task PassingTest_Passes_AndItsLogIsRecorded(int major)
    {
        var release = $"tpass{major}";
        await InstallAsync(major, release, "job.enabled=true");

        var (result, logs) = await TestAsync(major, release);

        result.Passed.Should().BeTrue(result.Error);
        result.Suites.Should().Equal(new HelmTestSuite($"{release}-smoke", "Succeeded"), new HelmTestSuite($"{release}-job-test", "Succeeded"));
        logs.Select(l => (l.Pod, l.Job, l.Phase, l.ExitCode)).Should().Contain((
            $"{release}-smoke", null, "Succeeded", 0));
        logs.Should().Contain(l => l.Job == $"{release}-job-test" && l.Phase == "Succeeded", "the Job's pod is a test pod too");
        logs.Should().OnlyContain(l => l.Lines.Count > 0);
        await NoTestPodLeftAsync(release);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task FailingTest_NamesTheHook_AndKeepsTheDeletedPodsLastLines(int major)
    {
        var release = $"tfail{major}";
        await InstallAsync(major, release, "smoke.image=sim.local/crash");

        var (result, logs) = await TestAsync(major, release);

        result.Passed.Should().BeFalse();
        result.FailedHook.Should().Be($"{release}-smoke");
        var log = logs.Should().ContainSingle().Subject;
        (log.Pod, log.Phase, log.ExitCode).Should().Be(($"{release}-smoke", "Failed", 1));
        log.Complete.Should().BeTrue("the recorder follows the log while the pod runs: Helm 3.17's delete at once cannot cut it");
        log.Lines[^1].Should().EndWith("fatal: *** error, exiting (exit code 1)", "the last words are read, and masked");
        await NoTestPodLeftAsync(release);
    }

    private async Task InstallAsync(int major, string release, params string[] set)
    {
        var args = new List<string> { "upgrade", release, Tools.Chart("fixture-tested"), "--install", "--namespace", release, "--create-namespace", "--wait" };
        foreach (var value in set)
        {
            args.AddRange(["--set", value]);
        }

        var install = await cluster.HelmAsync(major, [.. args]);
        install.Succeeded.Should().BeTrue(install.StandardError);
    }

    private async Task<(HelmTestResult Result, IReadOnlyList<TestPodLog> Logs)> TestAsync(int major, string release)
    {
        var masker = new SecretMasker(["unrecoverable"]);
        var cli = new HelmCli(
            new CliWrapHelmProcess(cluster.Environment), Tools.Helm(major), _log, masker,
            HelmCli.Pipeline(new HelmRetryOptions(), TimeProvider.System, _log, masker));
        var target = new HelmTarget(release, release, Kubeconfig: cluster.Kubeconfig);
        var version = await cli.VersionAsync(CancellationToken.None);

        var recorder = await TestPodLogRecorder.StartAsync(new TestPodLogOptions { Namespace = release, Kubeconfig = cluster.Kubeconfig, Mask = masker.Mask });
        HelmProcessResult run;
        try
        {
            run = await cli.TestAsync(target, version, TimeSpan.FromSeconds(30), [], CancellationToken.None);
        }
        finally
        {
            await recorder.StopAsync();
        }

        recorder.Warnings.Should().BeEmpty();
        return (HelmTestResult.Parse(run), recorder.Logs);
    }

    private async Task NoTestPodLeftAsync(string ns)
    {
        cluster.Simulator.Store.List(HelmSentinel.Simulator.Storage.ResourceTypes.Pods, ns).Should().BeEmpty("helm deleted every test pod by its policy");
        await WaitUntilAsync(() => cluster.Simulator.OpenWatches(ns) == 0, $"no watch is open in {ns} (open: {cluster.Simulator.OpenWatches(ns)})");
    }
}
