using System.Text.Json.Nodes;
using HelmSentinel.Plan;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// <c>mode: plan</c> on a pull request, in process, the real helm against the simulator: one comment that holds the plan,
/// created and then updated in place; the Secret that changes shown by key, never by value, on any channel; nothing
/// deployed; and a blocking finding ends the step with exit 3.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ActionPlanTests(ClusterFixture cluster) : IAsyncLifetime
{
    private const string NewPassword = "second-admin-password-7f3a9c";

    private static readonly GitHubActionServices Services = new() { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) };

    private static readonly SecretCanary Canary = new([.. CanaryDeploy.All, NewPassword, ActionScenario.GitHubToken, ActionScenario.ClusterToken]);

    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task APlanOnAPullRequest_CreatesThenUpdatesOneComment_ShowsTheSecretByKeyOnly_AndDeploysNothing(int major)
    {
        var release = "plan" + major;
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        (await run.RunInProcessAsync(Inputs(run, release, major, mode: "deploy"), Services)).ExitCode.Should().Be(0);
        var deployments = _api.Matching("POST", "/deployments$").Count;
        var secretBefore = cluster.Simulator.Store.Get(Simulator.Storage.ResourceTypes.Secrets, release, release + "-creds")!.ToJsonString();

        var first = await run.RunInProcessAsync(Inputs(run, release, major, mode: "plan", "db.adminPassword=" + NewPassword), Services);
        var second = await run.RunInProcessAsync(Inputs(run, release, major, mode: "plan", "db.adminPassword=" + NewPassword, "replicaCount=2"), Services);

        first.ExitCode.Should().Be(0, first.Log);
        first.Outputs.Should().Contain(new Dictionary<string, string> { ["result"] = "planned", ["has-changes"] = "true", ["blocking-findings"] = "0", ["previous-revision"] = "1" });
        File.ReadAllText(first.Outputs["plan-path"]).Should().Contain("\"db-password\"").And.Contain("\"state\": \"changed\"");
        first.Summary.Should().Contain("Plan: " + release).And.Contain("data.db-password: changed");
        _api.Matching("POST", "/issues/7/comments$").Should().ContainSingle("the first plan creates the comment");
        _api.Matching("PATCH", "/issues/comments/\\d+$").Should().HaveCount(2, "the deploy's comment is updated by each plan");
        var comment = _api.Comments(7).Should().ContainSingle().Subject;
        comment.Should().StartWith($"<!-- helm-sentinel:comment release={release} environment=staging -->\n### 📋 Plan: {release}")
            .And.Contain("data.db-password: changed").And.Contain("spec.replicas: 1 → 2").And.Contain("<details>");
        _api.Matching("POST", "/deployments$").Should().HaveCount(deployments, "a plan creates no deployment");
        cluster.Simulator.Store.Get(Simulator.Storage.ResourceTypes.Secrets, release, release + "-creds")!.ToJsonString().Should().Be(secretBefore);
        foreach (var result in new[] { first, second })
        {
            var channels = ActionScenario.Channels(result, run, _api);
            Canary.Find(channels).Should().BeEmpty(string.Join("\n", Canary.Find(channels)));
        }
    }

    [Fact]
    public async Task APlanWithABlockingFinding_EndsTheStepWithExit3_AndSaysWhy()
    {
        const string release = "planblocked";
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var store = cluster.Simulator.Store;
        store.Create(Simulator.Storage.ResourceTypes.Namespaces, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = release } });
        store.Create(Simulator.Storage.ResourceTypes.ConfigMaps, release, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = release + "-config" },
        });

        var inputs = ActionScenario.Inputs(cluster.Simulator, release, 4);
        inputs["INPUT_MODE"] = "plan";

        var result = await run.RunInProcessAsync(inputs, Services);

        result.ExitCode.Should().Be(3, result.Log);
        result.Outputs["result"].Should().Be("blocked");
        result.Outputs["blocking-findings"].Should().Be("1");
        result.Outputs["failure-reason"].Should().Contain($"ConfigMap/{release}-config already exists and it belongs to no release");
        result.Stdout.Should().Contain("::error title=helm-sentinel plan::");
        _api.Comments(7).Should().ContainSingle().Which.Should().Contain("⛔ blocking").And.Contain(Checks.Ownership);
        _api.Matching("POST", "/deployments$").Should().BeEmpty();
    }

    private Dictionary<string, string> Inputs(ActionRun run, string release, int major, string mode, params string[] set)
    {
        var inputs = ActionScenario.Inputs(cluster.Simulator, release, major);
        inputs["INPUT_MODE"] = mode;
        inputs["INPUT_CHART"] = CanaryDeploy.Chart;
        inputs["INPUT_SET"] = string.Join('\n', [.. CanaryDeploy.Set.Where(s => set.All(o => o.Split('=')[0] != s.Split('=')[0])), .. set, "canary=false"]);
        inputs["INPUT_SET-STRING"] = string.Join('\n', CanaryDeploy.SetString);
        inputs["INPUT_VALUES"] = CanaryDeploy.WriteValues(run.Root);
        inputs["INPUT_SECRETS"] = string.Join('\n', [.. CanaryDeploy.Declared, NewPassword]);
        return inputs;
    }
}
