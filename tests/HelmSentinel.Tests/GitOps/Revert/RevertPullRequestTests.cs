using HelmSentinel.GitOps.Revert;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.Revert;

/// <summary><c>--revert pr</c> end to end: real git with a bare origin, and the pull requests on the fake GitHub and Azure DevOps servers.</summary>
public sealed class RevertPullRequestTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Bump = new() { ["values.yaml"] = "replicas: 2\nimage: shop:2.0\n" };

    private readonly string _token = "ghs_" + Guid.NewGuid().ToString("N");
    private GitRepos _repos = null!;
    private FakeGitHubApi _github = null!;
    private FakeAzureDevOps _azure = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _repos = await GitRepos.CreateAsync();
        _github = await FakeGitHubApi.StartAsync();
        _azure = await FakeAzureDevOps.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _github.DisposeAsync();
        await _azure.DisposeAsync();
        _repos.Dispose();
    }

    [Fact]
    public async Task GitHub_OpensTheRevertPullRequest_AndCommentsOnTheOriginal_ThenASecondRunUpdatesBoth()
    {
        var merge = await _repos.MergeAsync("bump", Bump, "Merge pull request #7 from acme/bump");
        _github.AddPullRequest(7, "Bump the image to 2.0", "bump", "main", merge);
        var branch = "helm-sentinel/revert-" + merge[..7];

        var first = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, merge, RevertMode.PullRequest), GitHub());

        first.Status.Should().Be(RevertStatus.Opened, first.Summary);
        first.OriginalPullRequest.Should().BeEquivalentTo(new { Number = 7, Title = "Bump the image to 2.0" });
        var tip = (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/" + branch)).Trim();
        tip.Should().Be(first.RevertCommit);
        (await _repos.GitAsync(_repos.Origin, "rev-parse", tip + "^")).Trim().Should().Be(merge, "the revert is on main's tip");
        (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/main")).Trim().Should().Be(merge, "main itself is not pushed to");

        var pull = _github.PullRequests.Should().ContainSingle(p => (string?)p["state"] == "open").Subject;
        ((int?)pull["number"]).Should().Be(first.PullRequest!.Number);
        ((string?)pull["head"]!["ref"]).Should().Be(branch);
        ((string?)pull["base"]!["ref"]).Should().Be("main");
        ((string?)pull["title"]).Should().Be("Revert \"Bump the image to 2.0\"");
        var body = (string?)pull["body"];
        body.Should().StartWith(RevertPullRequestText.BodyMarker(merge))
            .And.Contain("CrashLoopBackOff", "the diagnosis is in the body")
            .And.Contain($"[#7 Bump the image to 2.0]({_github.BaseAddress}acme/shop/pull/7)")
            .And.Contain("https://github.com/acme/gitops/actions/runs/42");
        var comment = _github.Comments(7).Should().ContainSingle().Subject;
        comment.Should().StartWith(RevertPullRequestText.CommentMarker(merge)).And.Contain($"#{first.PullRequest.Number}");

        var second = await GitRevertTests.Runner().RunAsync(
            GitRevertTests.Request(_repos, merge, RevertMode.PullRequest) with { Diagnosis = "**Degraded** again: OOMKilled" }, GitHub());

        second.Status.Should().Be(RevertStatus.Updated, second.Summary);
        second.PullRequest!.Number.Should().Be(first.PullRequest.Number);
        second.RevertCommit.Should().Be(first.RevertCommit, "the branch is reused, no second commit");
        (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/" + branch)).Trim().Should().Be(tip);
        _github.PullRequests.Where(p => (string?)p["state"] == "open").Should().ContainSingle();
        ((string?)_github.PullRequests.Single(p => (string?)p["state"] == "open")["body"]).Should().Contain("OOMKilled");
        _github.Comments(7).Should().ContainSingle().Which.Should().Be(comment);
        _github.Matching("POST", "^/repos/acme/shop/issues/7/comments$").Should().ContainSingle();
        _github.Matching("POST", "^/repos/acme/shop/pulls$").Should().ContainSingle();
        Leaks(_github.Requests.Select(r => ($"{r.Method} {r.Path}", (string?)r.Body)).Append(("summary", first.Summary)).Append(("summary", second.Summary)))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task GitHub_ACommitNoPullRequestBroughtIn_IsRevertedUnderItsSubject()
    {
        var squash = await _repos.SquashAsync(Bump, "Bump the image to 2.0");

        var result = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.PullRequest), GitHub());

        result.Status.Should().Be(RevertStatus.Opened, result.Summary);
        result.OriginalPullRequest.Should().BeNull();
        ((string?)_github.PullRequests.Single()["title"]).Should().Be("Revert \"Bump the image to 2.0\"");
        _github.Matching("POST", "comments$").Should().BeEmpty();
    }

    [Fact]
    public async Task GitHub_A401_IsAClearErrorNamingTheToken_AfterThePush()
    {
        var squash = await _repos.SquashAsync(Bump, "Bump");
        _github.Fail("GET", "/commits/", 401, -1);

        var result = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.PullRequest), GitHub());

        result.Status.Should().Be(RevertStatus.Failed);
        result.Failure.Should().Be(RevertFailure.Unauthorized);
        result.Summary.Should().Contain("GITHUB_TOKEN").And.Contain("pull-requests: write").And.NotContain(_token);
        result.RevertBranch.Should().NotBeNull("the revert is on its branch; a later run opens the pull request");
    }

    [Fact]
    public async Task GitHub_A503_IsRetried()
    {
        var squash = await _repos.SquashAsync(Bump, "Bump");
        _github.Fail("POST", "^/repos/acme/shop/pulls$", 503, 1);

        var result = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.PullRequest), GitHub());

        result.Status.Should().Be(RevertStatus.Opened, result.Summary);
        _github.Matching("POST", "^/repos/acme/shop/pulls$").Select(r => r.Status).Should().Equal(503, 201);
        _github.PullRequests.Should().ContainSingle();
    }

    [Fact]
    public async Task AzureRepos_OpensTheRevertPullRequest_AndAThreadOnTheOriginal_ThenASecondRunUpdatesBoth()
    {
        var squash = await _repos.SquashAsync(Bump, "Merged PR 31: Bump the image to 2.0");
        _azure.AddCompletedPullRequest(31, "Bump the image to 2.0", "bump", "main", squash);
        var branch = "helm-sentinel/revert-" + squash[..7];
        var longDiagnosis = string.Concat(Enumerable.Repeat("- pod shop-1 restarted: CrashLoopBackOff\n", 200));

        var first = await GitRevertTests.Runner().RunAsync(
            GitRevertTests.Request(_repos, squash, RevertMode.PullRequest) with { Diagnosis = longDiagnosis }, Azure());

        first.Status.Should().Be(RevertStatus.Opened, first.Summary);
        first.OriginalPullRequest!.Number.Should().Be(31);
        (await _repos.GitAsync(_repos.Origin, "rev-parse", "refs/heads/" + branch)).Trim().Should().Be(first.RevertCommit);
        var pull = _azure.PullRequests.Should().ContainSingle(p => (string?)p["status"] == "active").Subject;
        ((int?)pull["pullRequestId"]).Should().Be(first.PullRequest!.Number);
        ((string?)pull["sourceRefName"]).Should().Be("refs/heads/" + branch);
        ((string?)pull["targetRefName"]).Should().Be("refs/heads/main");
        ((string?)pull["title"]).Should().Be("Revert \"Bump the image to 2.0\"");
        var description = (string?)pull["description"];
        description!.Length.Should().BeLessThanOrEqualTo(RevertPullRequestText.AzureReposMaxDescriptionLength);
        description.Should().Contain("CrashLoopBackOff").And.Contain("Diagnosis truncated").And.Contain("/pullrequest/31");
        var thread = _azure.ThreadsOf(31).Should().ContainSingle().Subject;
        ((string?)thread["comments"]![0]!["content"]).Should().StartWith(RevertPullRequestText.CommentMarker(squash));
        first.PullRequest.Url!.AbsoluteUri.Should().EndWith($"/_git/gitops/pullrequest/{first.PullRequest.Number}");

        var second = await GitRevertTests.Runner().RunAsync(
            GitRevertTests.Request(_repos, squash, RevertMode.PullRequest) with { Diagnosis = "OOMKilled" }, Azure());

        second.Status.Should().Be(RevertStatus.Updated, second.Summary);
        second.PullRequest!.Number.Should().Be(first.PullRequest.Number);
        _azure.PullRequests.Where(p => (string?)p["status"] == "active").Should().ContainSingle();
        ((string?)_azure.PullRequests.Single(p => (string?)p["status"] == "active")["description"]).Should().Contain("OOMKilled");
        _azure.ThreadsOf(31).Should().ContainSingle();
        _azure.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/pullrequests", StringComparison.Ordinal)).Should().Be(1);
        Leaks(_azure.Requests.Select(r => ($"{r.Method} {r.Path}", (string?)r.Body)).Append(("summary", first.Summary)).Append(("summary", second.Summary)))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task AzureRepos_A401_IsAClearErrorNamingTheToken()
    {
        var squash = await _repos.SquashAsync(Bump, "Bump");
        var pulls = new AzureReposRevertPullRequests(_http, new AzureReposRepository(_azure.CollectionUri, "shop", "gitops", "wrong-token-" + Guid.NewGuid()),
            new AzureRestRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) });

        var result = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.PullRequest), pulls);

        result.Failure.Should().Be(RevertFailure.Unauthorized);
        result.Summary.Should().Contain("System.AccessToken").And.NotContain("wrong-token-");
    }

    [Fact]
    public async Task None_CallsNoApi()
    {
        var squash = await _repos.SquashAsync(Bump, "Bump");
        var refs = await _repos.OriginRefsAsync();

        var github = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.None), GitHub());
        var azure = await GitRevertTests.Runner().RunAsync(GitRevertTests.Request(_repos, squash, RevertMode.None), Azure());

        github.Status.Should().Be(RevertStatus.NotReverted);
        azure.Status.Should().Be(RevertStatus.NotReverted);
        _github.Requests.Should().BeEmpty();
        _azure.Requests.Should().BeEmpty();
        (await _repos.OriginRefsAsync()).Should().Be(refs);
    }

    private GitHubRevertPullRequests GitHub() => new(
        GitHubReporter.CreateClient(_github.BaseAddress, _token), "acme", "shop", GitHubRetry.Create(GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(1)), TimeProvider.System));

    private AzureReposRevertPullRequests Azure() => new(
        _http, new AzureReposRepository(_azure.CollectionUri, "shop", "gitops", _azure.Token),
        new AzureRestRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) });

    private IReadOnlyList<SecretLeak> Leaks(IEnumerable<(string, string?)> channels) => new SecretCanary([_token, _azure.Token]).Find(channels);
}
