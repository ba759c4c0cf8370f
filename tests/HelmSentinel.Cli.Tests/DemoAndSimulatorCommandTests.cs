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
            .And.Contain("1.0.0 was put back, as expected");
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
        var command = CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "helm-sentinel.dll"), "simulator", "--kubeconfig", kubeconfig])
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
        var running = command.ExecuteAsync(CancellationToken.None, stop.Token);

        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var namespaces = await Kubectl(kubeconfig, "get", "namespaces");
        stop.Cancel(); // SIGINT, like Ctrl+C
        var stopped = async () => await running;

        namespaces.Should().Contain("default").And.Contain("kube-system");
        output.ToString().Should().Contain("kubeconfig: " + kubeconfig);
        (await stopped.Should().ThrowAsync<OperationCanceledException>()).WithMessage("*gracefully terminated*");
    }

    private async Task<string> Kubectl(string kubeconfig, params string[] args)
    {
        var stdout = new StringBuilder();
        await CliWrap.Cli.Wrap(Tools.Kubectl)
            .WithArguments([.. args, "--kubeconfig", kubeconfig])
            .WithEnvironmentVariables(_home.Environment.AsReadOnly())
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .ExecuteAsync();
        return stdout.ToString();
    }
}
