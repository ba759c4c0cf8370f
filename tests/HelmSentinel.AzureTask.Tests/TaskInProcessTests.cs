using HelmSentinel.Helm;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Resilience.AzureRepos;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;
using Xunit.Abstractions;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>
/// The task run in process (<see cref="Platforms.AzureDevOps.AzureTask.RunAsync"/>) with the agent's environment, the real helm against the
/// simulated cluster, and pull requests that fail at first: in process, so that the REST and GitHub retries wait
/// milliseconds (the services' retry options) where the task as a process would wait its real back-off.
/// </summary>
[Collection(TaskCollection.Name)]
public sealed class TaskInProcessTests(TaskFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly IsolatedHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ARepositoryOnGitHub_ThatFailsAtFirst_GetsTheCommentAndTheCommitStatusAfterRetries()
    {
        const string release = "web-github";
        await using var github = await FakeGitHubApi.StartAsync();
        github.Fail("POST", "^/repos/contoso/web/issues/9/comments$", 502, times: 2);
        github.Fail("POST", "^/repos/contoso/web/statuses/abc123$", 429, times: 1, retryAfter: "30");
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.KubeconfigWithToken("kube-token-in-process-1"))
            .Deploy(release, 3)
            .Set("BUILD_REPOSITORY_PROVIDER", "GitHub").Set("BUILD_REPOSITORY_NAME", "contoso/web")
            .Set("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "9").Set("SYSTEM_PULLREQUEST_SOURCECOMMITID", "abc123")
            .Set("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/")
            .Input("githubToken", "ghp_inProcessSecret0123").Input("githubApiUrl", github.BaseAddress.AbsoluteUri);

        var run = await RunAsync(env, new AzureTaskServices { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) });

        run.ExitCode.Should().Be(0, run.All);
        run.Commands[^1].Should().Be($"##vso[task.complete result=Succeeded;]{release} installed revision 1");
        github.Matching("POST", "^/repos/contoso/web/issues/9/comments$").Select(r => r.Status).Should().Equal(502, 502, 201);
        var statuses = github.Matching("POST", "^/repos/contoso/web/statuses/abc123$");
        statuses.Select(r => r.Status).Should().Equal(429, 201, 201);
        statuses.Where(r => r.Status == 201).Select(r => r.Json!["state"]!.GetValue<string>()).Should().Equal("pending", "success");
        github.Matching("POST", "/deployments").Should().BeEmpty("deployments belong to GitHub Actions environments");
        run.Commands.Where(c => c.StartsWith("##vso[task.logissue type=warning]", StringComparison.Ordinal))
            .Should().HaveCount(3).And.OnlyContain(c => c.Contains("retrying", StringComparison.Ordinal));
        github.Requests.Should().OnlyContain(r => !r.Body.Contains("ghp_inProcessSecret0123", StringComparison.Ordinal)
            && !r.Body.Contains("kube-token-in-process-1", StringComparison.Ordinal));
        run.Visible.Should().NotContain("ghp_inProcessSecret0123").And.NotContain("kube-token-in-process-1");
    }

    [Fact]
    public async Task AzureReposAnswering503_IsRetried_AndThePullRequestIsUpdated()
    {
        const string release = "web-retried";
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, 3)
            .PullRequest(fixture.AzureDevOps, 21);
        fixture.AzureDevOps.FailNext(2, System.Net.HttpStatusCode.ServiceUnavailable);

        var run = await RunAsync(env, new AzureTaskServices { AzureReposRetry = new AzureRestRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) } });

        run.ExitCode.Should().Be(0, run.All);
        run.Commands.Should().NotContain(c => c.StartsWith("##vso[task.logissue type=warning]", StringComparison.Ordinal));
        fixture.AzureDevOps.StatusSequence.Where(s => s.StartsWith(release + ":", StringComparison.Ordinal))
            .Should().Equal($"{release}:pending", $"{release}:pending", $"{release}:pending", $"{release}:succeeded");
        fixture.AzureDevOps.Threads.Where(t => ((string?)t["comments"]?[0]?["content"] ?? "").Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal))
            .Should().ContainSingle().Which["status"]!.GetValue<string>().Should().Be("fixed");
        run.Visible.Should().NotContain(fixture.AzureDevOps.Token);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AThreadAzureReposStoredButAnswered502For_IsFoundByItsKeyAndUpdated_NotCreatedTwice(int major)
    {
        var release = TestNames.Release([major]);
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, major)
            .PullRequest(fixture.AzureDevOps, 22 + major);
        fixture.AzureDevOps.FailCreatesAfterStoring(1);

        var run = await RunAsync(env, new AzureTaskServices { AzureReposRetry = new AzureRestRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) } });

        run.ExitCode.Should().Be(0, run.All);
        fixture.AzureDevOps.Threads.Where(t => ((string?)t["comments"]?[0]?["content"] ?? "").Contains($"helm-sentinel:{release}/{release} ", StringComparison.Ordinal))
            .Should().ContainSingle("the stored thread is found by its key on the retry and updated");
        run.Commands.Should().NotContain(c => c.StartsWith("##vso[task.logissue type=warning]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ATokenAzureReposRefuses_IsAWarning_AndTheDeployResultStands(int major)
    {
        // A server of its own: the shared one checks that every request it got carried its token.
        await using var server = await FakeAzureDevOps.StartAsync();
        var release = TestNames.Release([major]);
        var env = new AgentEnvironment(_home)
            .Input("connectionType", "kubeconfig").Input("kubeconfig", fixture.Simulator.KubeconfigYaml())
            .Deploy(release, major)
            .PullRequest(server, 30 + major)
            .Set("ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN", "not-the-token-" + major);

        var run = await RunAsync(env, new AzureTaskServices { AzureReposRetry = new AzureRestRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5) } });

        run.ExitCode.Should().Be(0, run.All);
        run.Commands[^1].Should().StartWith("##vso[task.complete result=Succeeded;]");
        run.Commands.Should().Contain(c => c.StartsWith("##vso[task.logissue type=warning]", StringComparison.Ordinal) && c.Contains("401", StringComparison.Ordinal)
            && c.Contains("Contribute to pull requests", StringComparison.Ordinal));
        server.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.Authorization == "Bearer not-the-token-" + major);
        server.Threads.Should().BeEmpty("a refused token stores nothing");
    }

    // Helm in this process inherits the test's environment: the run's changes go on top of the isolated home, as the
    // task's helm inherits the agent's environment.
    private async Task<TaskProcess.Result> RunAsync(AgentEnvironment env, AzureTaskServices services)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        var exitCode = await Platforms.AzureDevOps.AzureTask.RunAsync(env.Variables, stdout, services with { Helm = changes => new CliWrapHelmProcess(WithHome(changes)) });
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
