using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;
using static HelmSentinel.Action.Tests.ActionScenario;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The action run in process (<see cref="GitHubAction.RunAsync"/>) against the simulator with the real helm, reporting
/// to a local GitHub API that fails: in process, so that GitHub's retries wait milliseconds (the services' retry
/// options) where a process would wait the real back-off of seconds to a minute and a half.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GitHubApiFailureTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly GitHubActionServices Services = new() { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) };

    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Dictionary<string, string> Inputs(string release, int major, params string[] set) => ActionScenario.Inputs(cluster.Simulator, release, major, set);

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task GitHubAnswering502Twice_IsRetriedAndTheDeploymentIsCreated(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.Fail("POST", "^/repos/acme/shop/deployments$", 502, times: 2);
        _api.Fail("POST", "/issues/7/comments$", 429, times: 1, retryAfter: "1");

        var result = await run.RunInProcessAsync(Inputs(TestNames.Release([major]), major), Services);

        result.ExitCode.Should().Be(0, result.Log);
        _api.Matching("POST", "^/repos/acme/shop/deployments$").Select(r => r.Status).Should().Equal(502, 502, 201);
        _api.Matching("POST", "/issues/7/comments$").Select(r => r.Status).Should().Equal(429, 201);
        Statuses(_api).Should().Equal("in_progress", "success");
        result.Stdout.Should().Contain("::warning::GitHub API: 502 BadGateway (attempt 1 of 5)");
        result.Stdout.Should().NotContain("could not");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task GitHubAnswering500Forever_LeavesTheDeployResultAndExitCodeUnchanged(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.Fail("POST", ".*", 500, times: -1);
        _api.Fail("GET", ".*", 500, times: -1);

        var result = await run.RunInProcessAsync(Inputs(TestNames.Release([major]), major), Services);

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs["result"].Should().Be("succeeded");
        result.Stdout.Should().Contain("::warning::GitHub: could not create the deployment: 500")
            .And.Contain("::warning::GitHub: could not read the comments of pull request #7: 500");
        _api.Matching("POST", "/deployments$").Should().HaveCount(5, "one attempt and four retries");
        result.Stdout.Should().NotContain("::error");
        AssertNoSecrets(result, run, _api);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACommentGitHubStoredButAnswered502For_IsFoundByItsMarkerAndUpdated_NotCreatedTwice(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.StoreThenFail("POST", "/issues/7/comments$", 502, times: 1);

        var result = await run.RunInProcessAsync(Inputs(TestNames.Release([major]), major), Services);

        result.ExitCode.Should().Be(0, result.Log);
        _api.Matching("POST", "/issues/7/comments$").Select(r => r.Status).Should().Equal([502], "the create was stored; it is not sent again");
        _api.Matching("PATCH", "^/repos/acme/shop/issues/comments/\\d+$").Should().ContainSingle("the retry found the stored comment by its marker");
        _api.Comments(7).Should().ContainSingle().Which.Should().Contain("installed revision 1");
        result.Stdout.Should().NotContain("could not");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACommentGitHubStoredButAnsweredTooLate_IsFoundByItsMarkerAndUpdated_NotCreatedTwice(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.StoreThenFail("POST", "/issues/7/comments$", 201, times: 1, delay: TimeSpan.FromSeconds(30));
        var services = Services with
        {
            GitHubClient = (url, token) =>
            {
                var client = (Octokit.GitHubClient)GitHubReporter.CreateClient(url, token);
                client.SetRequestTimeout(TimeSpan.FromSeconds(1));
                return client;
            },
        };

        var result = await run.RunInProcessAsync(Inputs(TestNames.Release([major]), major), services);

        result.ExitCode.Should().Be(0, result.Log);
        result.Stdout.Should().Contain("::warning::GitHub API: TaskCanceledException", "the create timed out and was retried");
        _api.Matching("POST", "/issues/7/comments$").Should().ContainSingle("the create was stored; it is not sent again");
        _api.Comments(7).Should().ContainSingle();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ATokenGitHubRefuses_IsAWarningNamingThePermissions_AndTheDeployResultStands(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.Fail("POST", ".*", 401, times: -1);
        _api.Fail("GET", ".*", 401, times: -1);

        var result = await run.RunInProcessAsync(Inputs(TestNames.Release([major]), major), Services);

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs["result"].Should().Be("succeeded");
        result.Stdout.Should().Contain("::warning::GitHub: could not create the deployment: 401");
        _api.Matching("POST", "/deployments$").Should().ContainSingle("a refused token is not retried");
        result.Stdout.Should().NotContain("::error");
    }
}
