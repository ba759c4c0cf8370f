using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;
using Xunit.Abstractions;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The action in process, the real helm against the simulator, a chart whose pods print its secrets and crash-loop with
/// them (<see cref="CanaryDeploy"/>): no byte that leaves the tool, on any channel, holds any of them in any form. The
/// channels: standard output (but the <c>::add-mask::</c> lines, which carry the secrets to the runner by design),
/// <c>$GITHUB_OUTPUT</c>, <c>$GITHUB_STEP_SUMMARY</c>, every file left in <c>RUNNER_TEMP</c> and every request GitHub got.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SecretCanaryTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly GitHubActionServices Services = new() { GitHubRetry = GitHubRetryOptions.Fast(TimeSpan.FromMilliseconds(20)) };

    private static readonly SecretCanary Canary = new([.. CanaryDeploy.All, ActionScenario.GitHubToken, ActionScenario.ClusterToken]);

    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ACrashLoopDiagnosedByFailFast_LeaksNoSecretOnAnyChannel(int major)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);

        var result = await run.RunInProcessAsync(Inputs(run, "canary" + major, major, failRender: false), Services);

        result.ExitCode.Should().Be(1, result.Log);
        AssertNoLeak(result, run);
        result.Summary.Should().Contain("CrashLoopBackOff").And.Contain("\nDB_PASSWORD=***\n", "the diagnosis quotes the pod's log, masked")
            .And.Contain(@"AUTH\_BEARER=\*\*\*; AUTH\_API\_KEY=\*\*\*", "and its events");
        result.Stdout.Should().Contain("--set 'db.adminPassword=***' --set 'auth.bearer=***' --set replicaCount=1 --set-string 'auth.apiKey=***'",
            "a value under a key that does not look secret stays readable");
        _api.Matching("POST", "/issues/7/comments$").Should().ContainSingle().Which.Json!["body"]!.GetValue<string>().Should().Contain("\nDB_PASSWORD=***\n");
    }

    [Fact]
    public async Task AnUpgradeRolledBackToAGoodRevision_LeaksNoSecretOnAnyChannel()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var good = Inputs(run, "canary-rollback", 4, failRender: false);
        good["INPUT_SET"] += "\ncanary=false";
        (await run.RunInProcessAsync(good, Services)).ExitCode.Should().Be(0);

        var result = await run.RunInProcessAsync(Inputs(run, "canary-rollback", 4, failRender: false), Services);

        result.ExitCode.Should().Be(1, result.Log);
        AssertNoLeak(result, run);
        result.Outputs["result"].Should().Be("rolled-back");
        result.Summary.Should().Contain("#### Release history").And.Contain("\nDB_PASSWORD=***\n");
        _api.Matching("PATCH", "/issues/comments/\\d+$").Should().ContainSingle("the second run updates the first run's comment");
    }

    [Fact]
    public async Task AChartThatFailsToRender_QuotingTheSecrets_LeaksNoneOfThem()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);

        var result = await run.RunInProcessAsync(Inputs(run, "canary-render", 4, failRender: true), Services);

        result.ExitCode.Should().Be(3, result.Log);
        AssertNoLeak(result, run);
        result.Summary.Should().Contain("refusing to render with password \\*\\*\\*");
    }

    [Fact]
    public async Task TheCheck_CatchesASecretWrittenPastTheMasker()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var result = await run.RunInProcessAsync(Inputs(run, "canary-render", 4, failRender: true), Services);

        // Deliberately unmasked, through the step summary: as if a report had been written without the masker.
        var leaked = result with { Summary = result.Summary + "\n| " + Reporting.Markdown.EscapeCell(CanaryDeploy.Bearer) + " |\n" };

        Channels(leaked, run).SelectMany(c => Canary.Find(c.Channel, c.Text)).Should().ContainSingle()
            .Which.Should().Match<SecretLeak>(l => l.Channel == "$GITHUB_STEP_SUMMARY" && l.Form.StartsWith("Markdown", StringComparison.Ordinal));
    }

    // The fixture chart's inputs with the canary chart, its set and set-string pairs, its values file and its declared secrets.
    private Dictionary<string, string> Inputs(ActionRun run, string release, int major, bool failRender)
    {
        var inputs = ActionScenario.Inputs(cluster.Simulator, release, major);
        inputs["INPUT_CHART"] = CanaryDeploy.Chart;
        inputs["INPUT_SET"] = string.Join('\n', CanaryDeploy.Set);
        inputs["INPUT_SET-STRING"] = string.Join('\n', CanaryDeploy.SetString);
        inputs["INPUT_VALUES"] = CanaryDeploy.WriteValues(run.Root, failRender);
        inputs["INPUT_SECRETS"] = string.Join('\n', CanaryDeploy.Declared);
        return inputs;
    }

    private void AssertNoLeak(ActionRun.Result result, ActionRun run)
    {
        var channels = Channels(result, run);
        output.WriteLine(string.Join("\n", channels.Select(c => $"== {c.Channel}\n{c.Text}")));
        Canary.Find(channels).Should().BeEmpty(string.Join("\n", Canary.Find(channels)));
    }

    private List<(string Channel, string? Text)> Channels(ActionRun.Result result, ActionRun run) => ActionScenario.Channels(result, run, _api);
}
