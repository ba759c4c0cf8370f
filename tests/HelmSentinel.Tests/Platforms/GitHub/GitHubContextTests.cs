using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class GitHubContextTests
{
    private static readonly Dictionary<string, string> Run = new(StringComparer.Ordinal)
    {
        ["GITHUB_REPOSITORY"] = "acme/shop",
        ["GITHUB_SHA"] = "merge000",
        ["GITHUB_EVENT_NAME"] = "pull_request",
        ["GITHUB_RUN_ID"] = "99",
        ["GITHUB_RUN_ATTEMPT"] = "1",
        ["GITHUB_SERVER_URL"] = "https://github.com",
        ["GITHUB_API_URL"] = "https://api.github.com",
    };

    [Fact]
    public void Read_APullRequestEvent_DeploysTheHeadCommitAndKnowsThePullRequest()
    {
        var context = GitHubContext.Read(Run, """{"number": 7, "pull_request": {"number": 7, "head": {"sha": "head111"}}}""");

        context.Owner.Should().Be("acme");
        context.Repository.Should().Be("shop");
        context.PullRequest.Should().Be(7);
        context.Sha.Should().Be("head111");
        context.RunUrl.Should().Be(new Uri("https://github.com/acme/shop/actions/runs/99"));
        context.ApiUrl.Should().Be(new Uri("https://api.github.com/"));
    }

    [Fact]
    public void Read_APushEvent_HasNoPullRequestAndUsesGitHubSha()
    {
        var context = GitHubContext.Read(Run, """{"ref": "refs/heads/main", "after": "merge000"}""");

        context.PullRequest.Should().BeNull();
        context.Sha.Should().Be("merge000");
    }

    [Fact]
    public void Read_AnIssueCommentOnAPullRequest_KnowsThePullRequest()
    {
        GitHubContext.Read(Run, """{"issue": {"number": 12, "pull_request": {"url": "x"}}}""").PullRequest.Should().Be(12);
        GitHubContext.Read(Run, """{"issue": {"number": 13}}""").PullRequest.Should().BeNull();
    }

    [Fact]
    public void Read_GitHubEnterprise_KeepsTheApiPathAndLinksToTheRunAttempt()
    {
        var env = new Dictionary<string, string>(Run)
        {
            ["GITHUB_API_URL"] = "https://ghe.corp.example/api/v3",
            ["GITHUB_SERVER_URL"] = "https://ghe.corp.example",
            ["GITHUB_RUN_ATTEMPT"] = "2",
        };

        var context = GitHubContext.Read(env, null);

        context.ApiUrl.Should().Be(new Uri("https://ghe.corp.example/api/v3/"));
        context.RunUrl.Should().Be(new Uri("https://ghe.corp.example/acme/shop/actions/runs/99/attempts/2"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Read_AnUnreadablePayload_OnlyLosesThePullRequest(string payload)
    {
        var context = GitHubContext.Read(Run, payload);

        context.PullRequest.Should().BeNull();
        context.Sha.Should().Be("merge000");
    }

    [Fact]
    public void Read_OutsideARun_HasNoRepository()
    {
        var context = GitHubContext.Read(new Dictionary<string, string>(), null);

        context.HasRepository.Should().BeFalse();
        context.RunUrl.Should().BeNull();
        context.Target.Should().BeNull();
    }

    [Fact]
    public void Target_IsWhereTheReportsOfThisRunGo()
    {
        var context = GitHubContext.Read(Run, """{"number": 7, "pull_request": {"number": 7, "head": {"sha": "head111"}}}""");

        context.Target.Should().Be(new GitHubTarget
        {
            Owner = "acme",
            Repository = "shop",
            ApiUrl = new Uri("https://api.github.com/"),
            Sha = "head111",
            PullRequest = 7,
            EventName = "pull_request",
            RunUrl = new Uri("https://github.com/acme/shop/actions/runs/99"),
        });
    }
}
