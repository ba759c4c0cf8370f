using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Tests.Scenarios;

/// <summary>Hook Jobs run by the Job controller: a busybox hook completes, a crashing one fails the release.</summary>
public sealed class HookJobScenarioTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string HookJob = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{ .Release.Name }}-migrate
          annotations:
            "helm.sh/hook": pre-install,pre-upgrade
            "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: migrate
                  image: {{ .Values.migrateImage | default "busybox:1.36" }}
        """;

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Busybox_hook_job_completes_and_is_deleted(int major)
    {
        using var helm = await ChartWithHookAsync(major);
        var release = $"hook{major}";

        var install = await helm.InstallAsync(release);

        install.ExitCode.Should().Be(0, install.ToString());
        helm.Simulator.Store.Get(ResourceTypes.Jobs, "default", $"{release}-migrate").Should().BeNull("hook-succeeded deletes it");
        helm.Simulator.Store.List(ResourceTypes.Pods, "default", p => p["metadata"]?["labels"]?["job-name"]?.GetValue<string>() == $"{release}-migrate")
            .Should().BeEmpty("helm deletes hooks with background propagation, so the Job's pods go with it");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Crashing_hook_job_fails_the_install(int major)
    {
        using var helm = await ChartWithHookAsync(major);
        var release = $"badhook{major}";

        var install = await helm.InstallAsync(release, "--set", "migrateImage=sim.local/crash:1");

        install.ExitCode.Should().Be(1, install.ToString());
        install.Error.Should().Contain(
            major == 3 ? $"job {release}-migrate failed: BackoffLimitExceeded" : $"resource Job/default/{release}-migrate not ready. status: Failed",
            "helm saw the Job fail, " + install);
        install.Error.Should().NotContainAny(["timed out waiting", "context deadline exceeded"], "a failed Job fails the hook at once, not at the timeout");
        var job = helm.Simulator.Store.Get(ResourceTypes.Jobs, "default", $"{release}-migrate");
        job.Should().NotBeNull("hook-succeeded does not delete a failed hook");
        job!["status"]!["conditions"]!.AsArray().Should().Contain(c =>
            c!["type"]!.GetValue<string>() == "Failed" && c["status"]!.GetValue<string>() == "True" && c["reason"]!.GetValue<string>() == "BackoffLimitExceeded");
    }

    private async Task<HelmSession> ChartWithHookAsync(int major)
    {
        var helm = new HelmSession(fixture.Simulator, major);
        await helm.CreateChartAsync();
        await File.WriteAllTextAsync(Path.Combine(helm.Chart, "templates", "hook-job.yaml"), HookJob);
        return helm;
    }
}
