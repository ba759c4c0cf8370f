using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>A test class with a simulated cluster of its own and a private helm home, for the CLI run as a process.</summary>
public abstract class SimulatedClusterTest : IAsyncLifetime
{
    /// <summary>The helm home (and HOME) every process of the class runs with.</summary>
    protected IsolatedHome Home { get; } = new();

    /// <summary>The class's cluster.</summary>
    protected KubeSimulator Simulator { get; private set; } = null!;

    /// <summary>A kubeconfig file for <see cref="Simulator"/>.</summary>
    protected string Kubeconfig { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        Kubeconfig = Simulator.WriteKubeconfig(Path.Combine(Home.Root, "kubeconfig"));
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        Home.Dispose();
    }
}
