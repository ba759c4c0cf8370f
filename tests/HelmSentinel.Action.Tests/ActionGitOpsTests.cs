using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// <c>mode: gitops</c> in process: the pushed commit (<c>GITHUB_SHA</c>) watched on an Argo CD API on 127.0.0.1, a real
/// merge in a real repository with a bare origin, the revert pull request opened in the workflow's repository on a GitHub
/// API on 127.0.0.1; outputs, step summary, exit code, and no token on any channel.
/// </summary>
public sealed class ActionGitOpsTests : IAsyncLifetime
{
    private const string GitHubToken = "ghs_gitopsActionToken0123456789";
    private static readonly GitHubActionServices Services = new() { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) };

    private FakeGitHubApi _api = null!;
    private FakeArgoCd _argo = null!;
    private GitRepos _repos = null!;
    private string _old = "";
    private string _merge = "";

    public async Task InitializeAsync()
    {
        _api = await FakeGitHubApi.StartAsync();
        _argo = await FakeArgoCd.StartAsync();
        _repos = await GitRepos.CreateAsync();
        _old = (await _repos.GitAsync(_repos.Work, "rev-parse", "HEAD")).Trim();
        _merge = await _repos.MergeAsync("bump", new Dictionary<string, string> { ["values.yaml"] = "replicas: 2\nimage: shop:2.0\n" }, "Merge pull request #7 from acme/bump");
        _api.AddPullRequest(7, "Bump the image to 2.0", "bump", "main", _merge);
    }

    public async Task DisposeAsync()
    {
        _repos.Dispose();
        await _argo.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task APushThatDegradesTheApplication_OpensTheRevertPullRequest_Exits1_AndSaysSoInItsOutputs()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", _old), ArgoCdApp.Deployed("shop", _old).SyncingTo(_merge), ArgoCdApp.Deployed("shop", _old).SyncedTo(_merge).DegradedDeployment());
        using var run = new ActionRun(_api.BaseAddress, "push", Payloads.Push);
        run.Environment["GITHUB_SHA"] = _merge;

        var result = await run.RunInProcessAsync(Inputs(), Services);

        result.ExitCode.Should().Be(1, result.Log);
        result.Outputs.Should().Contain(new Dictionary<string, string> { ["result"] = "reverted", ["revision"] = _merge });
        result.Summary.Should().Contain("failed on Argo CD application shop; reverted");
        var pull = _api.PullRequests.Should().ContainSingle(p => (string?)p["state"] == "open").Subject;
        ((string?)pull["head"]!["ref"]).Should().Be("helm-sentinel/revert-" + _merge[..7]);
        _api.Comments(7).Should().ContainSingle();
        result.Stdout.Should().Contain("::add-mask::" + _argo.Token);
        var files = Directory.GetFiles(run.RunnerTemp).Select(File.ReadAllText);
        var channels = string.Join("\n", [.. result.Stdout.Split('\n').Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal)), result.Stderr, result.Output, result.Summary, .. files, .. _api.Requests.Select(r => r.Body)]);
        new SecretCanary([_argo.Token, GitHubToken]).Find("what the step left behind", channels).Should().BeEmpty();
    }

    [Fact]
    public async Task HealthyAtThePushedCommit_Exits0()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", _old).SyncedTo(_merge));
        using var run = new ActionRun(_api.BaseAddress, "push", Payloads.Push);
        run.Environment["GITHUB_SHA"] = _merge;

        var result = await run.RunInProcessAsync(Inputs(), Services);

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs["result"].Should().Be("healthy");
        _api.Matching("POST", "^/repos/acme/shop/pulls$").Should().BeEmpty();
    }

    [Fact]
    public async Task RevertPrWithoutAGitHubToken_IsRefusedWithExit3_BeforeAnythingIsRead()
    {
        using var run = new ActionRun(_api.BaseAddress, "push", Payloads.Push);
        var inputs = Inputs();
        inputs.Remove("INPUT_GITHUB_TOKEN");

        var result = await run.RunInProcessAsync(inputs, Services);

        result.ExitCode.Should().Be(3, result.Log);
        result.Stdout.Should().Contain("revert pr opens a pull request, which needs github-token");
        _argo.Requests.Should().BeEmpty();
    }

    private Dictionary<string, string> Inputs() => new(StringComparer.Ordinal)
    {
        ["INPUT_MODE"] = "gitops",
        ["INPUT_ARGOCD_SERVER"] = _argo.BaseAddress.ToString(),
        ["INPUT_ARGOCD_TOKEN"] = _argo.Token,
        ["INPUT_APP"] = "shop",
        ["INPUT_BAKE"] = "1s",
        ["INPUT_TIMEOUT"] = "30s",
        ["INPUT_POLL_INTERVAL"] = "100ms",
        ["INPUT_REPO"] = _repos.Work,
        ["INPUT_GITHUB_TOKEN"] = GitHubToken,
    };
}
