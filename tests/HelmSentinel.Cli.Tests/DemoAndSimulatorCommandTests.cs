using System.Text;
using CliWrap;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>The README's demo and the foreground simulator, as processes, with the real binaries.</summary>
public sealed class DemoAndSimulatorCommandTests : IDisposable
{
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Demo_DeploysTheHealthyChartThenRollsTheBrokenOneBack(int major)
    {
        var summary = Path.Combine(_home.Root, "report.md");

        var result = await CliProcess.RunAsync(_home, "demo", "--helm", Tools.Helm(major), "--timeout", "10s", "--summary-file", summary);

        result.ExitCode.Should().Be(0, result.All);
        result.Stdout.Should().Contain("demo-web installed revision 1")
            .And.Contain("rolled back to revision 1")
            .And.Contain("1.0.0 was put back, as expected")
            .And.Contain("deleted demo-web-worker-1 (StatefulSet/demo-web-worker): it ran the failed revision")
            .And.Contain("its StatefulSet is really back on 1.0.0");
        var report = await File.ReadAllTextAsync(summary);
        report.Should().Contain("#### Release history").And.Contain("Rollback to 1");
    }

    [Fact]
    public async Task Simulator_ServesKubectlUntilInterrupted()
    {
        var kubeconfig = Path.Combine(_home.Root, "sim.kubeconfig");
        var listening = new TaskCompletionSource();
        var output = new StringBuilder();
        using var stop = new CancellationTokenSource();
        using var kill = new CancellationTokenSource(CliProcess.Timeout);
        var command = CliWrap.Cli.Wrap("dotnet")
            .WithArguments([CliProcess.Dll, "simulator", "--kubeconfig", kubeconfig])
            .WithEnvironmentVariables(_home.Environment.AsReadOnly())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                output.AppendLine(line);
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            }));
        var running = command.ExecuteAsync(kill.Token, stop.Token);

        string namespaces;
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            namespaces = await Kubectl(kubeconfig, "get", "namespaces");
        }
        finally
        {
            stop.Cancel(); // SIGINT, like Ctrl+C; also when the simulator did not come up, so no process outlives the test
        }

        var stopped = async () => await running;

        namespaces.Should().Contain("default").And.Contain("kube-system");
        output.ToString().Should().Contain("kubeconfig: " + kubeconfig);
        (await stopped.Should().ThrowAsync<OperationCanceledException>()).WithMessage("*gracefully terminated*");
    }

    private async Task<string> Kubectl(string kubeconfig, params string[] args)
    {
        var result = await CliProcess.RunToolAsync(_home, Tools.Kubectl, [.. args, "--kubeconfig", kubeconfig]);
        result.ExitCode.Should().Be(0, result.All);
        return result.Stdout;
    }
}
