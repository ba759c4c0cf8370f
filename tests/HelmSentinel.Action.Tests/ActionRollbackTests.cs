using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// <c>mode: rollback</c> in process, the real helm against the simulator: back to the last good revision, reported as a
/// deploy is (outputs, the pull request comment updated in place, the Deployment's statuses), and a refusal with exit 3.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ActionRollbackTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly GitHubActionServices Services = new() { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) };

    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ARollbackOnAPullRequest_ReturnsToTheLastGoodRevision_AndReportsItAsADeployIs()
    {
        const string release = "actionrollback";
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        (await run.RunInProcessAsync(ActionScenario.Inputs(cluster.Simulator, release, 4), Services)).ExitCode.Should().Be(0);
        (await run.RunInProcessAsync(ActionScenario.Inputs(cluster.Simulator, release, 4, "image.tag=1.27.0"), Services)).ExitCode.Should().Be(0);
        var inputs = ActionScenario.Inputs(cluster.Simulator, release, 4);
        inputs["INPUT_MODE"] = "rollback";
        inputs.Remove("INPUT_CHART");

        var result = await run.RunInProcessAsync(inputs, Services);

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs.Should().Contain(new Dictionary<string, string> { ["result"] = "succeeded", ["revision"] = "3" });
        var comment = _api.Comments(7).Should().ContainSingle("the deploys' comment is updated in place").Subject;
        comment.Should().Contain($"{release} rolled back to revision 1 (now revision 3)");
        ActionScenario.Statuses(_api).TakeLast(2).Should().Equal("in_progress", "success");
        await Eventually.WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"), "revision 1's template is live");
        ActionScenario.AssertNoSecrets(result, run, _api);
    }

    [Fact]
    public async Task ARollbackToTheCurrentRevision_IsRefusedWithExit3()
    {
        const string release = "actionrollbackrefused";
        using var run = new ActionRun(_api.BaseAddress, "push", Payloads.Push);
        (await run.RunInProcessAsync(ActionScenario.Inputs(cluster.Simulator, release, 3), Services)).ExitCode.Should().Be(0);
        var inputs = ActionScenario.Inputs(cluster.Simulator, release, 3);
        inputs["INPUT_MODE"] = "rollback";
        inputs["INPUT_REVISION"] = "1";

        var result = await run.RunInProcessAsync(inputs, Services);

        result.ExitCode.Should().Be(3, result.Log);
        result.Outputs["result"].Should().Be("rejected");
        result.Outputs["failure-reason"].Should().Contain("revision 1 is the current revision");
        result.Stdout.Should().Contain("::error");
    }
}
