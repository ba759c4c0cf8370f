using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

/// <summary>helm test's output as the real 3.17.2 and 4.1.4 printed it against the simulator (fixture-tested chart).</summary>
public sealed class HelmTestResultTests
{
    private static HelmProcessResult Sample(int major, string name, int exitCode)
    {
        string Read(string stream) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", $"helm-test-helm{major}-{name}.{stream}.txt"));
        return new HelmProcessResult(exitCode, Read("stdout"), Read("stderr"), TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Parse_Passed_ListsEverySuite(int major)
    {
        var result = HelmTestResult.Parse(Sample(major, "passed", 0));

        result.Passed.Should().BeTrue();
        result.FailedHook.Should().BeNull();
        result.Error.Should().BeNull();
        result.Suites.Should().Equal(
            new HelmTestSuite($"tested{major}-passed-smoke", "Succeeded"),
            new HelmTestSuite($"tested{major}-passed-job-test", "Succeeded"));
    }

    [Theory]
    [InlineData(3, "pod tested3-pod-failed-smoke failed")]
    [InlineData(4, "resource Pod/tested4-pod-failed/tested4-pod-failed-smoke not ready. status: Failed, message: pod tested4-pod-failed-smoke failed")]
    public void Parse_FailedPod_NamesTheHook_AndHelmStoppedThere(int major, string error)
    {
        var result = HelmTestResult.Parse(Sample(major, "pod-failed", 1));

        result.Passed.Should().BeFalse();
        result.FailedHook.Should().Be($"tested{major}-pod-failed-smoke");
        result.Error.Should().Contain(error);
        result.Suites.Should().Equal(new HelmTestSuite($"tested{major}-pod-failed-smoke", "Failed"));
    }

    [Theory]
    [InlineData(3, "job tested3-job-failed-job-test failed: BackoffLimitExceeded")]
    [InlineData(4, "status: Failed, message: Job Failed. failed: 1/1")]
    public void Parse_FailedJob_NamesTheJob(int major, string error)
    {
        var result = HelmTestResult.Parse(Sample(major, "job-failed", 1));

        result.FailedHook.Should().Be($"tested{major}-job-failed-job-test");
        result.Error.Should().Contain(error);
        result.Suites.Select(s => s.Phase).Should().Equal("Succeeded", "Failed");
    }

    [Fact]
    public void Parse_AnErrorThatNamesNoHook_FallsBackOnTheSuiteThatDidNotSucceed()
    {
        var stdout = "TEST SUITE:     web-smoke\nLast Started:   Tue Dec  1 14:43:17 2026\nLast Completed: Tue Dec  1 14:43:17 2026\nPhase:          Running\n";

        var result = HelmTestResult.Parse(new HelmProcessResult(1, stdout, "Error: context deadline exceeded\n", TimeSpan.Zero));

        result.FailedHook.Should().Be("web-smoke");
        result.Error.Should().Be("context deadline exceeded");
    }

    [Fact]
    public void Parse_NoReleaseOutput_HasNoSuites()
    {
        var result = HelmTestResult.Parse(new HelmProcessResult(1, "", "Error: release: not found\n", TimeSpan.Zero));

        result.Suites.Should().BeEmpty();
        result.FailedHook.Should().BeNull();
        result.Error.Should().Be("release: not found");
    }
}
