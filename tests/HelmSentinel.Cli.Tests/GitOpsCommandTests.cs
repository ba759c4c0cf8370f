using System.Text.Json.Nodes;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary><c>helm-sentinel gitops</c> as a process against an Argo CD API on 127.0.0.1 whose application moves through
/// scripted states, one per read.</summary>
public sealed class GitOpsCommandTests : IAsyncLifetime
{
    private const string Old = "99aa88bb77cc66dd55ee44ff3300112233445566";
    private const string New = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
    private readonly IsolatedHome _home = new();
    private FakeArgoCd _argo = null!;

    public async Task InitializeAsync() => _argo = await FakeArgoCd.StartAsync();

    public async Task DisposeAsync()
    {
        await _argo.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task HealthyAtTheRevisionForTheBake_Exits0_AndTheOldRevisionSyncedAndHealthyDidNotPassForIt()
    {
        var deployed = ArgoCdApp.Deployed("shop", Old);
        _argo.Script(deployed, deployed, deployed.SyncingTo(New), deployed.SyncedTo(New));
        var json = Path.Combine(_home.Root, "outcome.json");

        var result = await RunAsync("--bake", "1s", "--revert", "none", "--json", json);

        result.ExitCode.Should().Be(0, result.All);
        result.Stdout.Should().Contain("revision 1a2b3c4 is healthy on Argo CD application shop");
        _argo.Reads("shop").Should().BeGreaterThanOrEqualTo(4, "Synced and Healthy at the old revision were read and not taken for the new one");
        var outcome = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        outcome["result"]!.GetValue<string>().Should().Be("Healthy");
        outcome["timeline"]!.AsArray().Select(m => m!["what"]!.GetValue<string>()).Should().Contain(w => w.Contains("Healthy at revision 1a2b3c4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DegradedAfterTheSync_WithRevertNone_Exits2_AndNamesTheDegradedResource()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", Old).SyncedTo(New).DegradedDeployment());

        var result = await RunAsync("--revert", "none");

        result.ExitCode.Should().Be(2, result.All);
        result.Stdout.Should().Contain("revision 1a2b3c4 failed on Argo CD application shop; not reverted").And.Contain("Deployment/shop/web: Degraded");
    }

    [Fact]
    public async Task AStillOldApplication_WhenTheTimeoutRunsOut_Exits2_NeverSynced()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", Old));

        var result = await RunAsync("--timeout", "3s", "--revert", "none");

        result.ExitCode.Should().Be(2, result.All);
        result.Stdout.Should().Contain("never synced to 1a2b3c4");
    }

    [Fact]
    public async Task ARefusedToken_Exits3_NamingItsVariable_AndNeverPrintsIt()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", Old));
        const string wrong = "eyJ0eXAiOiJKV1QifQ.not-the-token.Zm9vYmFy";

        var result = await RunWithTokenAsync(wrong, "--revert", "none");

        result.ExitCode.Should().Be(3, result.All);
        result.All.Should().Contain("ARGOCD_AUTH_TOKEN");
        new SecretCanary([wrong]).Find("stdout+stderr", result.All).Should().BeEmpty();
    }

    [Fact]
    public async Task A503_IsRetried()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", New));
        _argo.Fail("GET", "^/api/v1/applications/shop$", 503, times: 2);

        var result = await RunAsync("--bake", "1s", "--revert", "none");

        result.ExitCode.Should().Be(0, result.All);
        _argo.Matching("GET", "^/api/v1/applications/shop$").Select(r => r.Status).Should().StartWith([503, 503, 200]);
    }

    [Fact]
    public async Task NoTarget_Exits3_BeforeAnythingIsRead()
    {
        var result = await CliProcess.RunAsync(_home, "gitops", "--revision", New);

        result.ExitCode.Should().Be(3);
        result.Stderr.Should().Contain("invalid input '--argocd-server': what to watch is required");
        _argo.Requests.Should().BeEmpty();
    }

    private Task<CliProcess.Result> RunAsync(params string[] args) => RunWithTokenAsync(_argo.Token, args);

    private Task<CliProcess.Result> RunWithTokenAsync(string token, params string[] args)
    {
        _home.Environment["ARGOCD_AUTH_TOKEN"] = token;
        return CliProcess.RunAsync(_home, [
            "gitops", "--revision", New, "--argocd-server", _argo.BaseAddress.ToString(), "--app", "shop", "--poll-interval", "100ms",
            .. args.Contains("--timeout") ? Array.Empty<string>() : ["--timeout", "60s"], .. args.Contains("--bake") ? Array.Empty<string>() : ["--bake", "1s"], .. args]);
    }
}
