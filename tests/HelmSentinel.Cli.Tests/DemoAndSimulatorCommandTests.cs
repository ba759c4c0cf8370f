using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
            .And.Contain("its StatefulSet is really back on 1.0.0")
            .And.Contain("reason: verification failed: healthz: GET /healthz answered 500 (expected 200)")
            .And.Contain("1.1.0 was Ready but failed its health check, and 1.0.0 was put back")
            .And.Contain("[blocking] missing-reference: the pods of StatefulSet/demo-web-worker would sit in CreateContainerConfigError: configmap \"demo-web-settings\"")
            .And.Contain("refused by its preflight before anything changed")
            .And.MatchRegex(@"helm-sentinel: demo-web rolled back to revision \d+ \(now revision \d+\)")
            .And.Contain("3 replicas deployed and were rolled back by hand to the last good revision");
        var report = await File.ReadAllTextAsync(summary);
        report.Should().Contain("#### Release history").And.Contain("Rollback to 1");
    }

    /// <summary>
    /// The simulator, started as a real process, serves kubectl, then stops by itself on a signal: exit code 0 and its own
    /// "stopped" line, within <see cref="StopBound"/> of the signal (past it the process is killed and the test fails).
    /// Started plainly, from <c>env --default-signal=INT</c> so that SIGINT is not ignored even when the test runner was
    /// started in the background, and from <c>bash -c 'trap "" INT; exec ...'</c>: SIGINT ignored, as a job a script
    /// starts in the background inherits it, where only SIGTERM can stop it.
    /// </summary>
    [Theory]
    [InlineData("plain", "TERM")]
    [InlineData("sigint-default", "INT")]
    [InlineData("sigint-ignored", "TERM")]
    public async Task Simulator_ServesKubectlThenStopsByItselfOnASignal(string start, string signal)
    {
        // Arrange
        var kubeconfig = Path.Combine(_home.Root, "sim.kubeconfig");
        string[] simulator = ["dotnet", CliProcess.Dll, "simulator", "--kubeconfig", kubeconfig];
        await using var process = start switch
        {
            "plain" => SimulatorProcess.Start(simulator[0], simulator[1..], _home),
            "sigint-default" => SimulatorProcess.Start("env", ["--default-signal=INT", .. simulator], _home),
            _ => SimulatorProcess.Start("bash", ["-c", "trap \"\" INT; exec \"$@\"", "bash", .. simulator], _home),
        };
        await process.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var namespaces = await Kubectl(kubeconfig, "get", "namespaces");

        // Act
        var sent = await ProcessRunner.RunAsync("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
        var exitCode = await process.WaitForExitAsync(StopBound, $"SIG{signal}");

        // Assert
        namespaces.Should().Contain("default").And.Contain("kube-system");
        if (start != "plain")
        {
            // "plain" inherits the test runner's SIGINT, ignored or not; the other two set it.
            process.SigintIgnoredAtStart.Should().Be(start == "sigint-ignored");
        }

        sent.ExitCode.Should().Be(0, sent.ToString());
        exitCode.Should().Be(0, process.Output);
        process.Output.Should().Contain("kubeconfig: " + kubeconfig)
            .And.EndWith("Kubernetes API simulator stopped." + Environment.NewLine);
    }

    [Fact]
    public async Task Simulator_InjectsTheClusterFilesFaultsAndCountsThemAtSimFaults()
    {
        // Arrange
        var kubeconfig = Path.Combine(_home.Root, "sim.kubeconfig");
        var cluster = Path.Combine(_home.Root, "cluster.yaml");
        await File.WriteAllTextAsync(cluster, """
            faults:
              - id: pods-unavailable
                kind: status
                code: 503
                verb: list
                resource: pods
                forRequests: 1
            """);
        await using var process = SimulatorProcess.Start("dotnet", [CliProcess.Dll, "simulator", "--kubeconfig", kubeconfig, "--cluster", cluster], _home);
        await process.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var faultsUrl = Regex.Match(process.Output, @"GET, POST or DELETE (\S+) to change them").Groups[1].Value;

        // Act
        var failed = await CliProcess.RunToolAsync(_home, Tools.Kubectl, "get", "pods", "--kubeconfig", kubeconfig);
        var served = await CliProcess.RunToolAsync(_home, Tools.Kubectl, "get", "pods", "--kubeconfig", kubeconfig);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var faults = JsonNode.Parse(await http.GetStringAsync(new Uri(faultsUrl)))!.AsArray();
        await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
        var exitCode = await process.WaitForExitAsync(StopBound, "SIGTERM");

        // Assert
        process.Output.Should().Contain("faults: 1 from the cluster file");
        failed.ExitCode.Should().Be(1, failed.All);
        failed.Stderr.Should().Contain("Error from server (ServiceUnavailable): the server is currently unable to handle the request");
        served.ExitCode.Should().Be(0, served.All);
        faults.Select(f => (f!["id"]!.GetValue<string>(), f["fired"]!.GetValue<int>())).Should().Equal(("pods-unavailable", 1));
        exitCode.Should().Be(0, process.Output);
    }

    /// <summary>How long the simulator may take to exit after a signal: it stops in well under a second (its server gets
    /// half a second of grace); the rest is room for a loaded machine.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    private async Task<string> Kubectl(string kubeconfig, params string[] args)
    {
        var result = await CliProcess.RunToolAsync(_home, Tools.Kubectl, [.. args, "--kubeconfig", kubeconfig]);
        result.ExitCode.Should().Be(0, result.All);
        return result.Stdout;
    }

    /// <summary>A long-running child process started with <see cref="Process"/>: its output line by line, whether its
    /// SIGINT was ignored when it started (read from /proc), and a bounded wait for its exit. Killed if still running
    /// when disposed, so no process outlives its test.</summary>
    private sealed class SimulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private SimulatorProcess(Process process) => _process = process;

        public int Id => _process.Id;

        /// <summary>Completes when the simulator printed its banner (address, kubeconfig, faults, how to stop it; its
        /// signal handlers are set up by then); fails if it exits first.</summary>
        public Task Ready => _ready.Task;

        public string Output => string.Concat(_lines.Select(l => l + Environment.NewLine));

        public bool SigintIgnoredAtStart { get; private set; }

        public static SimulatorProcess Start(string fileName, IEnumerable<string> arguments, IsolatedHome home)
        {
            var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in home.Environment)
            {
                info.Environment[key] = value;
            }

            var child = new SimulatorProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
            child._process.OutputDataReceived += (_, e) => child.Received(e.Data);
            child._process.ErrorDataReceived += (_, e) => child.Received(e.Data);
            child._process.Exited += (_, _) => child._ready.TrySetException(
                new InvalidOperationException("the simulator exited before it was ready. Output:\n" + child.Output));
            child._process.Start();
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            return child;
        }

        /// <summary>Waits at most <paramref name="bound"/> for the process to exit by itself; past it, kills it and fails.</summary>
        public async Task<int> WaitForExitAsync(TimeSpan bound, string after)
        {
            using var timeout = new CancellationTokenSource(bound);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the simulator did not exit within {bound.TotalSeconds} s of {after}; killed it. Output:\n{Output}");
            }

            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }

            _process.Dispose();
        }

        private void Received(string? line)
        {
            if (line is null)
            {
                return;
            }

            _lines.Enqueue(line);
            if (line.EndsWith("stops it.", StringComparison.Ordinal) && !_ready.Task.IsCompleted)
            {
                // SigIgn is a hex mask of ignored signals; SIGINT is signal 2, bit 1.
                var ignored = File.ReadLines($"/proc/{_process.Id}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
                SigintIgnoredAtStart = (ulong.Parse(ignored["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x2) != 0;
                _ready.TrySetResult();
            }
        }
    }
}
