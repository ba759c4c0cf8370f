using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.TestSupport;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>
/// <c>command: gitops</c> in process: the build's commit watched on an Argo CD API on 127.0.0.1; when it degrades, the
/// revert pull request is opened in the build's Azure Repos repository (an Azure DevOps API on 127.0.0.1) from a real
/// merge in a real repository with a bare origin.
/// </summary>
public sealed class TaskGitOpsTests : IAsyncLifetime
{
    private readonly IsolatedHome _home = new();
    private FakeArgoCd _argo = null!;
    private FakeAzureDevOps _azure = null!;
    private GitRepos _repos = null!;
    private string _old = "";
    private string _squash = "";

    public async Task InitializeAsync()
    {
        _argo = await FakeArgoCd.StartAsync();
        _azure = await FakeAzureDevOps.StartAsync();
        _repos = await GitRepos.CreateAsync();
        _old = (await _repos.GitAsync(_repos.Work, "rev-parse", "HEAD")).Trim();
        _squash = await _repos.SquashAsync(new Dictionary<string, string> { ["values.yaml"] = "replicas: 2\nimage: shop:2.0\n" }, "Merged PR 31: Bump the image to 2.0");
        _azure.AddCompletedPullRequest(31, "Bump the image to 2.0", "bump", "main", _squash);
    }

    public async Task DisposeAsync()
    {
        _repos.Dispose();
        await _azure.DisposeAsync();
        await _argo.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task ADegradedBuildCommit_OpensTheRevertPullRequestOnAzureRepos_CommentsOnTheOriginal_AndFailsTheTask()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", _old).SyncedTo(_squash).DegradedDeployment());

        var (exit, log) = await RunAsync(Agent());

        exit.Should().Be(1, log);
        var branch = "refs/heads/helm-sentinel/revert-" + _squash[..7];
        var pull = _azure.PullRequests.Should().ContainSingle(p => (string?)p["sourceRefName"] == branch).Subject;
        ((string?)pull["title"]).Should().Be("Revert \"Bump the image to 2.0\"");
        _azure.ThreadsOf(31).Should().ContainSingle();
        log.Should().Contain("##vso[task.setvariable variable=result;isOutput=true;issecret=false]reverted")
            .And.Contain("##vso[task.uploadsummary]")
            .And.Contain("##vso[task.complete result=Failed;]");
        log.Should().Contain("##vso[task.setsecret]" + _argo.Token, "the agent masks it from the first line on");
        var printed = string.Join("\n", log.Split('\n').Where(l => !l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal)));
        new SecretCanary([_argo.Token, _azure.Token]).Find([("log", printed), .. _azure.Requests.Select(r => ($"{r.Method} {r.Path}", (string?)r.Body))])
            .Should().BeEmpty();
    }

    [Fact]
    public async Task WithRevertNone_OnlyReports_AndNothingReachesGitOrAzureRepos()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", _old).SyncedTo(_squash).DegradedDeployment());
        var refs = await _repos.OriginRefsAsync();

        var (exit, log) = await RunAsync(Agent().Input("revert", "none"));

        exit.Should().Be(2, log);
        (await _repos.OriginRefsAsync()).Should().Be(refs);
        _azure.Requests.Should().BeEmpty();
    }

    private AgentEnvironment Agent() => new AgentEnvironment(_home)
        .Input("command", "gitops").Input("connectionType", "none")
        .Input("argocdServer", _argo.BaseAddress.ToString()).Input("argocdToken", _argo.Token).Input("app", "shop")
        .Input("bake", "1s").Input("timeout", "30s").Input("pollInterval", "100ms")
        .Set("BUILD_SOURCEVERSION", _squash).Set("BUILD_SOURCESDIRECTORY", _repos.Work)
        .Set("SYSTEM_COLLECTIONURI", _azure.CollectionUri.ToString())
        .Set("SYSTEM_ACCESSTOKEN", _azure.Token);

    private static async Task<(int Exit, string Log)> RunAsync(AgentEnvironment env)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        var exit = await Platforms.AzureDevOps.AzureTask.RunAsync(env.Variables, stdout,
            new AzureTaskServices { AzureReposRetry = new AzureRestRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) } });
        return (exit, stdout.ToString());
    }
}
