using HelmSentinel.Deploy;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Tests.GitOps.Revert;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps;

/// <summary>
/// The GitOps watch end to end for each way in: Argo CD's REST API (an Argo CD API on 127.0.0.1), the Argo CD Application
/// and the Flux Kustomization with its HelmRelease through the Kubernetes API (the simulator, with their
/// CustomResourceDefinitions, their status written by the test as the controllers would). The merged commit is a real
/// merge in a real repository with a bare origin; the revert pull request goes to a GitHub API on 127.0.0.1.
/// </summary>
public sealed class GitOpsEndToEndTests : IAsyncLifetime
{
    private const string HelmRelease = """[{"version":1,"chartVersion":"1.0.0","status":"deployed","name":"web","namespace":"apps","lastDeployed":"2026-01-01T00:00:00Z"}]""";
    private static readonly Dictionary<string, string> Bump = new() { ["values.yaml"] = "replicas: 2\nimage: shop:2.0\n" };

    private readonly RecordingLog _log = new();
    private readonly string _githubToken = "ghs_" + Guid.NewGuid().ToString("N");
    private GitRepos _repos = null!;
    private FakeGitHubApi _github = null!;
    private FakeArgoCd _argo = null!;
    private FluxCluster _cluster = null!;
    private string _old = "";
    private string _merge = "";

    public async Task InitializeAsync()
    {
        _repos = await GitRepos.CreateAsync();
        _old = (await _repos.GitAsync(_repos.Work, "rev-parse", "HEAD")).Trim();
        _merge = await _repos.MergeAsync("bump", Bump, "Merge pull request #7 from acme/bump");
        _github = await FakeGitHubApi.StartAsync();
        _github.AddPullRequest(7, "Bump the image to 2.0", "bump", "main", _merge);
        _argo = await FakeArgoCd.StartAsync();
        _cluster = await FluxCluster.StartAsync();
        await _cluster.CreateSiteAsync();
        await _cluster.SendAsync("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", GitOpsCrds.ArgoCdApplication, "application/yaml");
        await _cluster.SendAsync("POST", "/api/v1/namespaces", """{"metadata":{"name":"argocd"}}""");
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _argo.DisposeAsync();
        await _github.DisposeAsync();
        _repos.Dispose();
    }

    [Theory]
    [InlineData("argocd-rest")]
    [InlineData("argocd-kube")]
    [InlineData("flux")]
    public async Task HealthyAtTheMergedCommitForTheBake_Exits0_AndNothingIsReverted(string way)
    {
        await ShowAsync(way, healthy: true, atMerge: true);

        var outcome = await RunAsync(way);

        outcome.Result.Should().Be(GitOpsResult.Healthy, GitOpsReport.Text(outcome));
        outcome.ExitCode.Should().Be(ExitCodes.Succeeded);
        var done = "done: healthy at revision " + _merge[..7];
        outcome.Watch!.Timeline.Select(m => m.What).Should().Contain(w => w.StartsWith(done, StringComparison.Ordinal));
        _github.Matching("POST", "^/repos/acme/shop/pulls$").Should().BeEmpty();
        (await _repos.OriginRefsAsync()).Should().NotContain("helm-sentinel/revert-");
    }

    [Theory]
    [InlineData("argocd-rest")]
    [InlineData("argocd-kube")]
    [InlineData("flux")]
    public async Task DegradedAfterTheSync_OpensTheRevertPullRequestWithTheDiagnosis_CommentsOnTheOriginal_AndASecondRunUpdatesIt(string way)
    {
        await ShowAsync(way, healthy: false, atMerge: true);

        var first = await RunAsync(way);
        var second = await RunAsync(way);

        first.Result.Should().Be(GitOpsResult.Reverted, GitOpsReport.Text(first));
        first.ExitCode.Should().Be(ExitCodes.RolledBack);
        var branch = "helm-sentinel/revert-" + _merge[..7];
        var revert = (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/" + branch)).Trim();
        (await _repos.GitAsync(_repos.Origin, "show", revert + ":values.yaml")).Should().Contain("image: shop:1.0", "the revert undoes the merge");
        var pull = _github.PullRequests.Should().ContainSingle(p => (string?)p["state"] == "open").Subject;
        ((string?)pull["head"]!["ref"]).Should().Be(branch);
        ((string?)pull["title"]).Should().Be("Revert \"Bump the image to 2.0\"");
        ((string?)pull["body"]).Should().Contain(first.Reason.Split(':')[0]).And.Contain("this pull request reverts it").And.Contain("/acme/shop/pull/7");
        _github.Comments(7).Should().ContainSingle().Which.Should().Contain("#" + (int)pull["number"]!);

        second.Result.Should().Be(GitOpsResult.Reverted, GitOpsReport.Text(second));
        second.Revert!.Summary.Should().Contain("updated");
        _github.Matching("POST", "^/repos/acme/shop/pulls$").Should().ContainSingle("the second run updates the revert pull request");
        _github.Comments(7).Should().ContainSingle();
        (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/" + branch)).Trim().Should().Be(revert);
    }

    [Theory]
    [InlineData("argocd-rest")]
    [InlineData("argocd-kube")]
    [InlineData("flux")]
    public async Task SyncedAndHealthyAtTheOldCommitUntilTheTimeout_Exits2_NeverSynced_AndNothingChanges(string way)
    {
        await ShowAsync(way, healthy: true, atMerge: false);
        var refs = await _repos.OriginRefsAsync();

        var outcome = await RunAsync(way, timeout: TimeSpan.FromSeconds(3));

        outcome.Result.Should().Be(GitOpsResult.NeverSynced, GitOpsReport.Text(outcome));
        outcome.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        GitOpsReport.Headline(outcome).Should().Contain("never synced to " + _merge[..7]);
        (await _repos.OriginRefsAsync()).Should().Be(refs);
        _github.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ASyncToTheMergedCommitThatFailed_IsReverted()
    {
        _argo.Script(ArgoCdApp.Deployed("shop", _old).SyncingTo(_merge), ArgoCdApp.Deployed("shop", _old).SyncFailed(_merge, "one or more objects failed to apply, reason: Deployment.apps \"web\" is invalid"));

        var outcome = await RunAsync("argocd-rest");

        outcome.Result.Should().Be(GitOpsResult.Reverted, GitOpsReport.Text(outcome));
        outcome.Reason.Should().StartWith("operation Failed: one or more objects failed to apply");
    }

    [Fact]
    public async Task ARevertThatConflicts_Exits2_NamingThePaths_AndPushesNothing()
    {
        _repos.Write("values.yaml", "replicas: 3\nimage: shop:2.1\n");
        await _repos.CommitAsync("a later change on the same lines");
        await _repos.GitAsync(_repos.Work, "push", "--quiet", "origin", "main");
        await ShowAsync("argocd-rest", healthy: false, atMerge: true);
        var refs = await _repos.OriginRefsAsync();

        var outcome = await RunAsync("argocd-rest");

        outcome.Result.Should().Be(GitOpsResult.NotReverted, GitOpsReport.Text(outcome));
        outcome.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        outcome.Revert!.ConflictPaths.Should().Equal("values.yaml");
        GitOpsReport.Text(outcome).Should().Contain("conflicting paths: values.yaml");
        (await _repos.OriginRefsAsync()).Should().Be(refs);
        _github.Matching("POST", "^/repos/acme/shop/pulls$").Should().BeEmpty();
    }

    [Fact]
    public async Task TheTokens_AreNeverInTheLog_TheReports_OrWhatReachedGitHub()
    {
        await ShowAsync("argocd-rest", healthy: false, atMerge: true);

        var outcome = await RunAsync("argocd-rest");

        outcome.Result.Should().Be(GitOpsResult.Reverted, GitOpsReport.Text(outcome));
        var canary = new SecretCanary([_argo.Token, _githubToken]);
        canary.Find([
            ("log", string.Join("\n", _log.Lines)),
            ("text", GitOpsReport.Text(outcome)),
            ("markdown", GitOpsReport.Markdown(outcome)),
            ("json", GitOpsReport.Json(outcome)),
            .. _github.Requests.Select(r => ($"{r.Method} {r.Path}", (string?)r.Body)),
        ]).Should().BeEmpty();
    }

    [Fact]
    public async Task WithTheDestinationsKubeconfig_ACrashLoopingDeploymentThatArgoCdStillCallsProgressing_FailsInSeconds_AndIsReverted()
    {
        // Argo CD keeps a crash-looping Deployment Progressing until its progress deadline (600 s by default).
        _argo.Script(ArgoCdApp.Deployed("shop", _old).SyncedTo(_merge).WithHealth("Progressing").WithResourceHealth("Deployment", "web", "Progressing", "Waiting for rollout to finish: 0 of 1 updated replicas are available..."));
        await _cluster.SendAsync("POST", "/api/v1/namespaces", """{"metadata":{"name":"shop"}}""");
        await _cluster.SendAsync("POST", "/apis/apps/v1/namespaces/shop/deployments", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
             "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"sim.local/crash"}]}}}}
            """);

        var outcome = await RunAsync("argocd-rest", destination: new KubeAccess(_cluster.Kubeconfig, null));

        outcome.Result.Should().Be(GitOpsResult.Reverted, GitOpsReport.Text(outcome));
        outcome.Reason.Should().MatchRegex(@"^pod shop/web-[a-z0-9]+-[a-z0-9]+ of Deployment/shop/web: CrashLoopBackOff after \d+ restarts.* \(the destination's fail-fast rules\)$",
            "the pod decided, not the progressing timeout");
        ((string?)_github.PullRequests.Single(p => (string?)p["state"] == "open")["body"]).Should().Contain("CrashLoopBackOff");
    }

    // What the application shows: at the merged commit or still at the one before it, healthy or degraded.
    private async Task ShowAsync(string way, bool healthy, bool atMerge)
    {
        var revision = atMerge ? _merge : _old;
        switch (way)
        {
            case "argocd-rest":
                _argo.Script(App(revision, healthy));
                break;
            case "argocd-kube":
                await _cluster.SendAsync("POST", "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications", App(revision, healthy).Build().ToJsonString());
                break;
            default:
                await _cluster.KustomizationAppliedAsync("main@sha1:" + revision);
                await _cluster.HelmReleaseAsync(1, healthy ? "True" : "False", healthy ? "InstallSucceeded" : "UpgradeFailed",
                    healthy ? "Helm install succeeded" : "Helm upgrade failed for release apps/web with chart web@1.0.0: context deadline exceeded", HelmRelease);
                break;
        }
    }

    private ArgoCdApp App(string revision, bool healthy)
    {
        var app = ArgoCdApp.Deployed("shop", _old);
        app = revision == _old ? app : app.SyncedTo(revision);
        return healthy ? app : app.DegradedDeployment();
    }

    private async Task<GitOpsOutcome> RunAsync(string way, TimeSpan? timeout = null, KubeAccess? destination = null)
    {
        var kube = new KubeAccess(_cluster.Kubeconfig, null);
        GitOpsTarget target = way switch
        {
            "argocd-rest" => new GitOpsTarget.ArgoCdRest(_argo.BaseAddress, "ARGOCD_AUTH_TOKEN", "shop", null) { Token = _argo.Token },
            "argocd-kube" => new GitOpsTarget.ArgoCdKube(kube, "argocd", "shop"),
            _ => new GitOpsTarget.Flux(kube, new NamespacedName("flux-system", "site"), [new NamespacedName("apps", "web")]),
        };
        var request = new GitOpsRequest
        {
            Revision = _merge,
            Target = target,
            RepoDir = _repos.Work,
            Bake = TimeSpan.FromSeconds(1),
            PollInterval = TimeSpan.FromMilliseconds(100),
            Secrets = [_githubToken, _argo.Token],
            Destination = destination,
            ProgressingTimeout = TimeSpan.FromMinutes(5),
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        var pullRequests = new GitHubRevertPullRequests(
            GitHubReporter.CreateClient(_github.BaseAddress, _githubToken), "acme", "shop", GitHubRetry.Create(GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(1)), TimeProvider.System));
        var revert = GitOpsReverting.Create(request, pullRequests, new Uri("https://github.com/acme/gitops/actions/runs/42"), "workflow run", GitRevertTests.Runner());
        return await new GitOpsEngine(_log, TimeProvider.System).RunAsync(request, revert);
    }
}
