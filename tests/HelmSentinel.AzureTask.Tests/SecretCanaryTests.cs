using HelmSentinel.Helm;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.TestSupport;
using Xunit.Abstractions;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>
/// The task in process, the real helm against the simulator, a chart whose pods print its secrets and crash-loop with
/// them (<see cref="CanaryDeploy"/>), on an Azure Repos pull request: no byte that leaves the task holds any of them in
/// any form. The channels: standard output (but the <c>task.setsecret</c> lines, which carry the secrets to the agent
/// by design), every file left in the agent's temp folder (the summary) and every request the pull request got.
/// </summary>
[Collection(TaskCollection.Name)]
public sealed class SecretCanaryTests(TaskFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string KubeToken = "kube-token-canary-7f3e";

    private static readonly SecretCanary Canary = new([.. CanaryDeploy.All, KubeToken]);

    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(3, false, 1)]
    [InlineData(4, false, 1)]
    [InlineData(3, true, 3)]
    public async Task ACanaryDeploy_LeaksNoSecretOnAnyChannel(int major, bool failRender, int exitCode)
    {
        var release = $"canary-ado{major}{(failRender ? "-render" : "")}";
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.KubeconfigWithToken(KubeToken))
            .Deploy(release, major, [.. CanaryDeploy.Set])
            .Input("chart", CanaryDeploy.Chart)
            .Input("overridesString", string.Join('\n', CanaryDeploy.SetString))
            .Input("valueFiles", CanaryDeploy.WriteValues(_home.Root, failRender))
            .Input("timeout", "60s")
            .Set("SECRET_AUTH_BEARER", CanaryDeploy.Bearer)
            .Set("SECRET_TLS_KEY", CanaryDeploy.Pem)
            .PullRequest(fixture.AzureDevOps, 40 + major + (failRender ? 10 : 0));
        var requestsBefore = fixture.AzureDevOps.Requests.Count;

        var run = await RunAsync(env);

        run.ExitCode.Should().Be(exitCode, run.All);
        List<(string Channel, string? Text)> channels =
        [
            ("stdout", run.Visible),
            .. Directory.GetFiles(env.TempDirectory, "*", SearchOption.AllDirectories).Select(f => ("agent temp/" + Path.GetFileName(f), (string?)File.ReadAllText(f))),
            .. fixture.AzureDevOps.Requests.Skip(requestsBefore).Select(r => ($"{r.Method} {r.Path}", (string?)(r.Path + "\n" + r.Body))),
        ];
        Canary.Find(channels).Should().BeEmpty(string.Join("\n", Canary.Find(channels)));
        channels.Should().Contain(c => c.Channel.StartsWith("POST", StringComparison.Ordinal) && c.Text!.Contains("threads", StringComparison.Ordinal), "the thread was written");
        run.Lines.TakeWhile(l => l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal)).Should()
            .Contain(["##vso[task.setsecret]" + AzureCommands.Escape(CanaryDeploy.Password), "##vso[task.setsecret]" + AzureCommands.Escape(CanaryDeploy.ApiKey),
                "##vso[task.setsecret]" + AzureCommands.Escape(CanaryDeploy.Bearer), "##vso[task.setsecret]MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA1c+2/xq9Pf3Ke7Jm"],
                "every secret, undeclared ones and each line of the key too, is registered before anything prints");
        run.Stdout.Should().Contain(failRender ? "refusing to render with password ***" : "DB_PASSWORD=***", "the secrets did travel through helm or the diagnosis");
    }

    // Helm in this process inherits the test's environment: the run's changes go on top of the isolated home.
    private async Task<TaskProcess.Result> RunAsync(AgentEnvironment env)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        var services = new AzureTaskServices
        {
            AzureReposRetry = new AzureRestRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(5) },
            Helm = changes => new CliWrapHelmProcess(WithHome(changes)),
        };
        var exitCode = await Platforms.AzureDevOps.AzureTask.RunAsync(env.Variables, stdout, services);
        var run = new TaskProcess.Result(exitCode, stdout.ToString(), "");
        output.WriteLine($"exit {run.ExitCode}\n{run.Stdout}");
        return run;
    }

    private Dictionary<string, string?> WithHome(IReadOnlyDictionary<string, string?> changes)
    {
        var environment = new Dictionary<string, string?>(_home.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            environment[name] = value;
        }

        return environment;
    }
}
