using HelmSentinel.Deploy;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel simulator</c>: the Kubernetes API simulator in the foreground, for people and for kubectl/helm by hand.</summary>
internal static class SimulatorCommand
{
    public const string Usage = "usage: helm-sentinel simulator [--port P] [--cluster cluster.yaml] [--kubeconfig out.yaml]";

    public static async Task<int> RunAsync(CommandLine line, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var port = 0;
        if (line.Value("port") is { } portText && (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 0 or > 65535))
        {
            await stderr.WriteLineAsync($"error: port: '{portText}' is not a TCP port (0-65535).\n{Usage}");
            return ExitCodes.Rejected;
        }

        ClusterConfig cluster;
        try
        {
            cluster = line.Value("cluster") is { } file ? ClusterConfig.Load(file) : ClusterConfig.Default;
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: cluster: cannot load '{line.Value("cluster")}': {e.Message}");
            return ExitCodes.Rejected;
        }

        await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions { Port = port, Cluster = cluster }, cancellationToken);
        var kubeconfig = line.Value("kubeconfig") ?? Path.Combine(Path.GetTempPath(), "helm-sentinel-simulator.kubeconfig");
        simulator.WriteKubeconfig(kubeconfig);
        await stdout.WriteLineAsync($"Kubernetes API simulator listening on {simulator.BaseAddress}");
        await stdout.WriteLineAsync($"kubeconfig: {kubeconfig}   (export KUBECONFIG={kubeconfig})");
        await stdout.WriteLineAsync("Ctrl+C stops it.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: a normal stop.
        }

        return 0;
    }
}
