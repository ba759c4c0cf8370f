using System.Net;
using HelmSentinel.Deploy;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.TestSupport;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>The reporter against the local Azure DevOps server, in process, with millisecond retry delays.</summary>
public sealed class PullRequestReportingTests : IAsyncLifetime, IDisposable
{
    private static readonly AzureRestRetryOptions FastRetry = new() { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) };

    private static readonly AzureTaskServices Fast = new() { AzureReposRetry = FastRetry };

    private readonly IsolatedHome _home = new();
    private readonly HttpClient _http = new();
    private FakeAzureDevOps _server = null!;

    public async Task InitializeAsync() => _server = await FakeAzureDevOps.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _home.Dispose();
    }

    private AzureTaskContext Context(string? token = null) => AzureTaskContext.Parse(new AgentEnvironment(_home)
        .Input("connectionType", "none").Input("release", "web")
        .PullRequest(_server, 5)
        .Set("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", token ?? _server.Token)
        .Variables);

    private static DeployOutcome Outcome(DeployResult result) => new() { Result = result, Release = "web", Namespace = "default", CurrentRevision = 2, AttemptedRevision = 2 };

    [Fact]
    public async Task TransientFailures_AreRetried_AndTheThreadIsCreatedOnce()
    {
        using var output = new StringWriter();
        var reporter = new AzureTaskReporter(output, Context(), _http, Fast);
        _server.FailNext(2, HttpStatusCode.ServiceUnavailable);

        var exit = await reporter.FinishAsync(Outcome(DeployResult.Succeeded), SecretMasker.None);

        exit.Should().Be(0);
        output.ToString().Should().NotContain("type=warning").And.Contain("pull request thread 1 created");
        _server.Threads.Should().ContainSingle().Which["status"]!.GetValue<string>().Should().Be("fixed");
        _server.StatusSequence.Should().Equal("web:succeeded");
    }

    [Fact]
    public async Task Throttling_IsRetried_WithRetryAfterCappedByMaxDelay()
    {
        using var output = new StringWriter();
        var clock = new ManualClock { AutoAdvance = true };
        var started = clock.GetUtcNow();
        var reporter = new AzureTaskReporter(output, Context(), _http, Fast with
        {
            Time = clock,
            AzureReposRetry = FastRetry with { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(20) },
        });
        _server.FailNext(1, (HttpStatusCode)429, retryAfterSeconds: 30);

        await reporter.StartAsync("web");

        (clock.GetUtcNow() - started).Should().Be(TimeSpan.FromSeconds(20), "it waited what the server asked for (30 s), capped at MaxDelay, on the reporter's clock");
        output.ToString().Should().BeEmpty();
        _server.StatusSequence.Should().Equal("web:pending", "web:pending");
    }

    [Fact]
    public async Task APersistentFailure_IsAWarning_AndNeverChangesTheResult()
    {
        using var output = new StringWriter();
        var reporter = new AzureTaskReporter(output, Context(), _http, Fast);
        _server.FailNext(1000, HttpStatusCode.InternalServerError);

        await reporter.StartAsync("web");
        var exit = await reporter.FinishAsync(Outcome(DeployResult.RolledBack), SecretMasker.None);

        exit.Should().Be(1);
        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        lines.Where(l => l.StartsWith("##vso[task.logissue type=warning]could not", StringComparison.Ordinal)).Should().HaveCount(3);
        lines.Should().Contain(l => l.StartsWith("##vso[task.complete result=Failed;]", StringComparison.Ordinal));
        _server.Requests.Should().HaveCount(3 * 4, "three calls, each tried four times");
    }

    [Fact]
    public async Task ARefusedToken_IsAWarningNamingThePermission()
    {
        using var output = new StringWriter();
        var reporter = new AzureTaskReporter(output, Context(token: "wrong-token-value"), _http, Fast);

        await reporter.FinishAsync(Outcome(DeployResult.Succeeded), SecretMasker.None);

        output.ToString().Should().Contain("##vso[task.logissue type=warning]could not update the pull request thread")
            .And.Contain("Contribute to pull requests");
        _server.Requests.Should().HaveCount(2, "401 is not retried");
    }

    [Fact]
    public async Task AGitHubRepository_IsReportedThroughTheGitHubReporter_OneCommentUpdatedInPlace_AndNoAzureRest()
    {
        await using var github = await FakeGitHubApi.StartAsync();
        github.Fail("GET", @"/issues/7/comments$", 502, 1);
        AzureTaskContext GitHubContext() => AzureTaskContext.Parse(new AgentEnvironment(_home).Input("connectionType", "none").Input("release", "web")
            .Set("BUILD_REPOSITORY_PROVIDER", "GitHub").Set("BUILD_REPOSITORY_NAME", "contoso/web")
            .Set("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "7").Set("SYSTEM_PULLREQUEST_SOURCECOMMITID", "abc123")
            .Set("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/").Set("SYSTEM_TEAMPROJECT", "Web").Set("BUILD_BUILDID", "42")
            .Input("githubToken", "ghp_secretvalue").Input("githubApiUrl", github.BaseAddress.AbsoluteUri).Variables);
        var fast = HelmSentinel.Resilience.GitHub.GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(5));

        using var first = new StringWriter();
        var firstRun = new AzureTaskReporter(first, GitHubContext(), _http, Fast with { GitHubRetry = fast });
        await firstRun.StartAsync("web");
        await firstRun.FinishAsync(Outcome(DeployResult.RolledBack), SecretMasker.None);
        using var second = new StringWriter();
        var secondRun = new AzureTaskReporter(second, GitHubContext(), _http, Fast with { GitHubRetry = fast });
        await secondRun.StartAsync("web");
        await secondRun.FinishAsync(Outcome(DeployResult.Succeeded), SecretMasker.None);

        github.Matching("POST", @"^/repos/contoso/web/issues/7/comments$").Should().ContainSingle("the second run updates the first run's comment");
        github.Matching("PATCH", @"^/repos/contoso/web/issues/comments/\d+$").Should().ContainSingle();
        var comment = github.Comments(7).Should().ContainSingle().Subject;
        comment.Should().Contain("helm-sentinel").And.Contain("https://dev.azure.com/contoso/Web/_build/results?buildId=42").And.NotContain("ghp_secretvalue");
        github.Matching("POST", @"^/repos/contoso/web/statuses/abc123$").Select(r => r.Json!["state"]!.GetValue<string>())
            .Should().Equal("pending", "failure", "pending", "success");
        github.Matching("POST", @"/deployments").Should().BeEmpty("deployments belong to GitHub Actions environments");
        github.Requests.Should().OnlyContain(r => r.Body.IndexOf("ghp_secretvalue", StringComparison.Ordinal) < 0);
        var log = first.ToString() + second.ToString();
        log.Split('\n').Where(l => l.Contains("type=warning", StringComparison.Ordinal)).Should()
            .ContainSingle("only the retried 502 is worth a line").Which.Should().Contain("502").And.Contain("retrying");
        log.Should().NotContain("ghp_secretvalue");
        _server.Requests.Should().BeEmpty("nothing goes to Azure Repos for a GitHub repository");
    }

    [Fact]
    public async Task AGitHubRepository_WithoutAToken_IsAWarning()
    {
        using var output = new StringWriter();
        var context = AzureTaskContext.Parse(new AgentEnvironment(_home).Input("connectionType", "none").Input("release", "web")
            .Set("BUILD_REPOSITORY_PROVIDER", "GitHub").Set("BUILD_REPOSITORY_NAME", "contoso/web")
            .Set("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "7").Variables);

        var exit = await new AzureTaskReporter(output, context, _http, Fast).FinishAsync(Outcome(DeployResult.Succeeded), SecretMasker.None);

        exit.Should().Be(0);
        output.ToString().Should().Contain("##vso[task.logissue type=warning]the repository is on GitHub: give the githubToken input");
        _server.Requests.Should().BeEmpty();
    }
}
