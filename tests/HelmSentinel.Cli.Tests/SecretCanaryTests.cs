using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>
/// <c>helm-sentinel deploy</c> as a process, the real helm against the simulator, a chart whose pods print its secrets and
/// crash-loop with them (<see cref="CanaryDeploy"/>): neither its output nor its <c>--summary-file</c> holds any of them
/// in any form, whether fail-fast diagnoses the pods or the chart fails to render quoting the secrets.
/// </summary>
public sealed class SecretCanaryTests : SimulatedClusterTest
{
    private static readonly SecretCanary Canary = new(CanaryDeploy.All);

    [Theory]
    [InlineData(4, false, 1, "DB_PASSWORD=***")]
    [InlineData(3, true, 3, "refusing to render with password ***")]
    public async Task ACanaryDeploy_LeaksNoSecret_OnStdoutStderrOrTheSummaryFile(int major, bool failRender, int exitCode, string masked)
    {
        var release = $"canary-cli{major}";
        var summary = Path.Combine(Home.Root, release + ".md");

        var result = await CliProcess.RunAsync(Home,
        [
            "deploy", "--release", release, "--chart", CanaryDeploy.Chart, "--namespace", release, "--create-namespace",
            "--kubeconfig", Kubeconfig, "--helm", Tools.Helm(major), "--timeout", "60s", "--summary-file", summary,
            "--values", CanaryDeploy.WriteValues(Home.Root, failRender),
            .. CanaryDeploy.Set.SelectMany(s => new[] { "--set", s }),
            .. CanaryDeploy.SetString.SelectMany(s => new[] { "--set-string", s }),
            .. CanaryDeploy.Declared.SelectMany(s => new[] { "--secret", s }),
        ]);

        result.ExitCode.Should().Be(exitCode, result.All);
        (string, string?)[] channels = [("stdout", result.Stdout), ("stderr", result.Stderr), ("--summary-file", File.ReadAllText(summary))];
        Canary.Find(channels).Should().BeEmpty(string.Join("\n", Canary.Find(channels)));
        result.Stdout.Should().Contain(masked, "the secrets did travel through helm or the diagnosis");
        result.Stdout.Should().Contain("--set replicaCount=1", "a value under a key that does not look secret stays readable");
    }
}
