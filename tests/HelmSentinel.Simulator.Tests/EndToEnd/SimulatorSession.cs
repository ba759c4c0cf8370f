using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.EndToEnd;

/// <summary>A started simulator plus an isolated home and kubeconfig for helm and kubectl.</summary>
public sealed class SimulatorSession(SimulatorOptions? options = null) : IAsyncLifetime
{
    private readonly IsolatedHome _home = new();

    public KubeSimulator Simulator { get; private set; } = null!;

    public string Root => _home.Root;

    public async Task InitializeAsync()
    {
        Simulator = await KubeSimulator.StartAsync(options);
        var kubeconfig = Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
        _home.Environment["KUBECONFIG"] = kubeconfig;
    }

    public async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        _home.Dispose();
    }

    public Task<ProcessResult> HelmAsync(int major, params string[] arguments) =>
        ProcessRunner.RunAsync(Tools.Helm(major), arguments, _home.Environment);

    public Task<ProcessResult> KubectlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Tools.Kubectl, arguments, _home.Environment);
}
