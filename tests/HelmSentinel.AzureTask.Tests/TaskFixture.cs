using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>One simulated cluster, one local Azure DevOps server and one task folder for the task's deploy tests.</summary>
public sealed class TaskFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("helm-sentinel-azure-task-").FullName;

    public KubeSimulator Simulator { get; private set; } = null!;

    public FakeAzureDevOps AzureDevOps { get; private set; } = null!;

    /// <summary>The task folder (index.js, bin/).</summary>
    public string TaskFolder { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Simulator = await KubeSimulator.StartAsync(new SimulatorOptions());
        AzureDevOps = await FakeAzureDevOps.StartAsync();
        TaskFolder = TaskProcess.Layout(_root);
    }

    /// <summary>The simulator's kubeconfig with a bearer token for its user (the simulator ignores it; the task must mask it).</summary>
    public string KubeconfigWithToken(string token) =>
        Simulator.KubeconfigYaml().Replace("user: {}", "user: {token: " + token + "}", StringComparison.Ordinal);

    public async Task DisposeAsync()
    {
        await AzureDevOps.DisposeAsync();
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The test classes that run the task against the fixture's cluster and server: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TaskCollection : ICollectionFixture<TaskFixture>
{
    public const string Name = "task";
}
