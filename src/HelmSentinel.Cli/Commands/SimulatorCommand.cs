using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel simulator</c>: the Kubernetes API simulator in the foreground, for people and for kubectl/helm
/// by hand, until SIGINT (Ctrl+C) or SIGTERM (<c>kill</c>): then it stops its server, ends open watches, says so and
/// exits 0.</summary>
internal sealed class SimulatorCommand : CliCommand
{
    private readonly Option<int?> _port = CliOptions.WholeNumber(
        "--port", "P", "TCP port on 127.0.0.1 (default: 0, a free one)", n => n is < 0 or > 65535 ? "is not a TCP port (0-65535)" : null);

    private readonly Option<string?> _cluster = CliOptions.Text("--cluster", "cluster.yaml", "nodes, image behaviours and timings (default: the built-in cluster)");

    private readonly Option<string?> _kubeconfig = CliOptions.Text(
        "--kubeconfig", "out.yaml", "where to write a kubeconfig for it (default: helm-sentinel-simulator.kubeconfig in the temp folder)");

    public SimulatorCommand()
        : base("simulator", "Run the Kubernetes API simulator in the foreground until Ctrl+C or SIGTERM.")
    {
        Options.Add(_port);
        Options.Add(_cluster);
        Options.Add(_kubeconfig);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var clusterFile = parse.GetValue(_cluster);
        ClusterConfig cluster;
        try
        {
            cluster = clusterFile is not null ? ClusterConfig.Load(clusterFile) : ClusterConfig.Default;
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: --cluster: cannot load '{clusterFile}': {e.Message}");
            return ExitCodes.Rejected;
        }

        var simulator = await KubeSimulator.StartAsync(new SimulatorOptions { Port = parse.GetValue(_port) ?? 0, Cluster = cluster }, cancellationToken);
        try
        {
            var kubeconfig = parse.GetValue(_kubeconfig) ?? Path.Combine(Path.GetTempPath(), "helm-sentinel-simulator.kubeconfig");
            simulator.WriteKubeconfig(kubeconfig);
            await stdout.WriteLineAsync($"Kubernetes API simulator listening on {simulator.BaseAddress}");
            await stdout.WriteLineAsync($"kubeconfig: {kubeconfig}   (export KUBECONFIG={kubeconfig})");
            var faults = new Uri(simulator.BaseAddress, "/_sim/faults");
            await stdout.WriteLineAsync($"faults: {cluster.Faults.Count} from the cluster file; GET, POST or DELETE {faults} to change them");
            await stdout.WriteLineAsync("Ctrl+C or SIGTERM stops it.");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // SIGINT or SIGTERM: a normal stop.
        }
        finally
        {
            await simulator.DisposeAsync();
        }

        await stdout.WriteLineAsync("Kubernetes API simulator stopped.");
        return 0;
    }
}
