using HelmSentinel.Simulator;

namespace HelmSentinel.Action.Tests;

/// <summary>One simulated cluster shared by the action's deploy tests, which run one after the other.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public KubeSimulator Simulator { get; private set; } = null!;

    public async Task InitializeAsync() => Simulator = await KubeSimulator.StartAsync(new SimulatorOptions());

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>The test classes that deploy to the simulated cluster: one cluster, no two deploys at once.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
