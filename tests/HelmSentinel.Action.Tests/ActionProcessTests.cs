using System.Text.Json.Nodes;
using HelmSentinel.TestSupport;
using static HelmSentinel.Action.Tests.ActionScenario;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// The action's entry as a process, as a runner starts it, against the Kubernetes simulator with the real helm and
/// a local GitHub API: what reaches GitHub, the files the runner reads, the log, secrets, exit codes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ActionProcessTests(ClusterFixture cluster) : IAsyncLifetime
{
    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Dictionary<string, string> Inputs(string release, int major, params string[] set) => ActionScenario.Inputs(cluster.Simulator, release, major, set);

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task PullRequest_InstallThenBrokenUpgrade_ReportsDeploymentsAndUpdatesOneComment(int major)
    {
        var release = "prweb" + major;
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);

        var first = await run.RunAsync(Inputs(release, major));

        first.ExitCode.Should().Be(0, first.Log);
        first.Stdout.Split('\n')[0].Should().StartWith("::add-mask::", "secrets are registered before anything else prints");
        first.Stdout.Should().Contain($"::group::helm install {release}").And.Contain("::endgroup::");
        first.Outputs.Should().Contain(new Dictionary<string, string>
        {
            ["result"] = "succeeded", ["revision"] = "1", ["previous-revision"] = "", ["restored-revision"] = "",
            ["chart-version"] = "0.1.0", ["app-version"] = "1.25.0", ["failure-reason"] = "",
        });
        first.Output.Should().MatchRegex("result<<ghadelimiter_[0-9a-f]{32}\nsucceeded\nghadelimiter_[0-9a-f]{32}\n");
        File.Exists(first.Outputs["report-path"]).Should().BeTrue();
        first.Summary.Should().StartWith($"### ✅ helm-sentinel: {release} installed revision 1").And.Contain("#### Release history").And.Contain("```mermaid\ntimeline\n");

        var deployment = _api.Matching("POST", "^/repos/acme/shop/deployments$").Should().ContainSingle().Subject.Json!;
        deployment["ref"]!.GetValue<string>().Should().Be(Payloads.HeadSha, "a pull request deploys its head commit, not the merge commit");
        deployment["environment"]!.GetValue<string>().Should().Be("staging");
        deployment["auto_merge"]!.GetValue<bool>().Should().BeFalse();
        deployment["required_contexts"]!.AsArray().Should().BeEmpty();
        Statuses(_api).Should().Equal("in_progress", "success");
        var status = _api.Matching("POST", "/statuses$")[^1].Json!;
        status["log_url"]!.GetValue<string>().Should().Be(RunUrl);
        status["environment_url"]!.GetValue<string>().Should().Be("https://staging.shop.example");
        _api.Matching("POST", "^/repos/acme/shop/issues/7/comments$").Should().ContainSingle();
        _api.Comments(7).Should().ContainSingle().Which.Should().StartWith($"<!-- helm-sentinel:comment release={release} environment=staging -->\n### ✅");

        var second = await run.RunAsync(Inputs(release, major, "image.repository=sim.local/crash"));

        second.ExitCode.Should().Be(1, second.Log);
        second.Outputs["result"].Should().Be("rolled-back");
        second.Outputs["previous-revision"].Should().Be("1");
        second.Outputs["restored-revision"].Should().Be("3");
        second.Outputs["revision"].Should().Be("3");
        second.Outputs["failure-reason"].Should().Contain("CrashLoopBackOff");
        second.Stdout.Should().Contain($"::error title=helm-sentinel%3A {release} upgrade to revision 2 failed; rolled back to revision 1 (now revision 3)::");
        second.Stdout.Should().MatchRegex(@"2 +\S+ \S+ +failed .*<- failed\n").And.MatchRegex(@"3 +\S+ \S+ +deployed .*<- restored\n");
        second.Summary.Should().Contain("| 2 ❌ failed |").And.Contain("| 3 ✅ restored |").And.Contain($"first fatal state - pod {release}-");
        Statuses(_api).Should().Equal("in_progress", "success", "in_progress", "failure");
        _api.Matching("POST", "/issues/7/comments$").Should().ContainSingle("the second run updates the comment instead of adding one");
        _api.Matching("PATCH", "^/repos/acme/shop/issues/comments/\\d+$").Should().ContainSingle();
        _api.Comments(7).Should().ContainSingle().Which.Should().Contain("rolled back").And.Contain(RunUrl);
        await Eventually.WaitUntilAsync(() => Workloads.DeploymentRuns(cluster.Simulator, release, release, "nginx:1.25.0"),
            "the Deployment runs v1's template again, with no pod of the crashing one left");

        foreach (var result in new[] { first, second })
        {
            AssertNoSecrets(result, run, _api);
        }

        Directory.GetFiles(run.RunnerTemp, "helm-sentinel-kubeconfig-*").Should().BeEmpty("the kubeconfig file is deleted at the end");
    }

    [Fact]
    public async Task Push_OnGitHubEnterprise_CommentsOnTheOpenPullRequestsOfTheCommit_AndSetsTheCommitStatus()
    {
        using var run = new ActionRun(new Uri(_api.BaseAddress, "api/v3"), "push", Payloads.Push);
        _api.PullsOfCommit.AddRange([(12, "open"), (13, "closed")]);
        var inputs = Inputs("pushweb", 3);
        inputs["INPUT_COMMIT-STATUS"] = "true";
        inputs.Remove("INPUT_COMMIT_STATUS");
        inputs.Remove("INPUT_ENVIRONMENT");

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(0, result.Log);
        _api.Matching("POST", "/deployments$").Should().ContainSingle().Which.Json!["environment"]!.GetValue<string>()
            .Should().Be("pushweb", "the environment defaults to the namespace");
        var statuses = _api.Matching("POST", "^/repos/acme/shop/statuses/9f4c5e0d1b2a39484756a1b2c3d4e5f601234567$");
        statuses.Select(s => s.Json!["state"]!.GetValue<string>()).Should().Equal("pending", "success");
        statuses[^1].Json!["context"]!.GetValue<string>().Should().Be("helm-sentinel/pushweb");
        _api.Comments(12).Should().ContainSingle();
        _api.Comments(13).Should().BeEmpty();
        _api.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.RawPath.StartsWith("/api/v3/repos/acme/shop/", StringComparison.Ordinal), "GITHUB_API_URL is used as given");
        AssertNoSecrets(result, run, _api);
    }

    [Theory]
    [InlineData("INPUT_EXTRA_ARGS", "--atomic --debug", "--atomic")]
    [InlineData("INPUT_RELEASE", "", "release: is required")]
    [InlineData("INPUT_COMMENT_ON_PR", "sometimes", "comment-on-pr: 'sometimes' is not a boolean")]
    public async Task BadInput_Exits3WithAnErrorAndReportsWithoutADeployment(string input, string value, string message)
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("badweb", 4);
        inputs[input] = value;

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(3, result.Log);
        result.Outputs["result"].Should().Be("rejected");
        result.Outputs["failure-reason"].Should().Contain(message);
        result.Stdout.Should().Contain("::error title=helm-sentinel%3A ").And.Contain(message);
        _api.Matching("POST", "/deployments$").Should().BeEmpty("nothing is deployed, so there is no deployment");
        if (input != "INPUT_COMMENT_ON_PR")
        {
            _api.Comments(7).Should().ContainSingle().Which.Should().Contain("rejected");
        }

        AssertNoSecrets(result, run, _api);
    }

    [Fact]
    public async Task ARequestTheEngineRefuses_IsValidatedOnce_StartsNoDeploymentOrPendingStatus_AndChangesNothingInTheCluster()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("refusedweb", 3);
        inputs["INPUT_HISTORY_MAX"] = "1";
        inputs["INPUT_ON_FAILURE_AFTER_MIGRATION"] = "abort";
        inputs["INPUT_COMMIT_STATUS"] = "true";

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(3, result.Log);
        result.Outputs["failure-reason"].Should().StartWith("invalid input: history-max: history-max 1 lets helm prune the last good revision");
        result.Stdout.Split('\n').Where(l => l.Contains("invalid input 'history-max'", StringComparison.Ordinal)).Should().ContainSingle();
        result.Outputs["failure-reason"].Should().Contain("on-failure-after-migration: on-failure-after-migration 'abort' is not a policy");
        _api.Matching("POST", "/deployments$").Should().BeEmpty("a refused request gets no deployment");
        _api.Matching("POST", "^/repos/acme/shop/statuses/").Select(r => r.Json!["state"]!.GetValue<string>())
            .Should().Equal(["failure"], "the commit status says how the run ended, and was never pending");
        var status = await HelmAsync(cluster.Simulator, run.Home, "status", "refusedweb", "--namespace", "refusedweb");
        status.ExitCode.Should().NotBe(0, "helm never ran, so there is no release");
        status.StandardError.Should().Contain("not found");
        AssertNoSecrets(result, run, _api);
    }

    [Fact]
    public async Task AVerifyDocument_BakesItsHttpCheckAfterReady_AndItsPrivateFileIsDeletedAtTheEnd()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("verifyweb", 4);
        inputs["INPUT_VERIFY"] = """
            bake: 3s
            interval: 1s
            checks:
              - name: home
                http:
                  service: verifyweb:http
                  path: /
                  expectStatus: [200]
            """;

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs["result"].Should().Be("succeeded");
        result.Summary.Should().Contain("verification started", "the timeline shows the bake");
        Directory.GetFiles(run.RunnerTemp, "helm-sentinel-verify-*").Should().BeEmpty("the verify document's file is deleted at the end");
        Directory.GetFiles(run.RunnerTemp, "helm-sentinel-kubeconfig-*").Should().BeEmpty();
    }

    [Fact]
    public async Task ABadVerifyDocument_Exits3NamingTheVerifyInput_AndChangesNothing()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("badverifyweb", 3);
        inputs["INPUT_VERIFY"] = "bake: 3s\ninterval: 1s\nchecks:\n  - name: home\n    http: { service: badverifyweb }\n";

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(3, result.Log);
        result.Outputs["result"].Should().Be("rejected");
        result.Outputs["failure-reason"].Should().StartWith("invalid input: verify: ").And.Contain("home").And.Contain("port");
        _api.Matching("POST", "/deployments$").Should().BeEmpty("a refused request gets no deployment");
        var status = await HelmAsync(cluster.Simulator, run.Home, "status", "badverifyweb", "--namespace", "badverifyweb");
        status.ExitCode.Should().NotBe(0, "helm never ran, so there is no release");
        Directory.GetFiles(run.RunnerTemp, "helm-sentinel-verify-*").Should().BeEmpty();
    }

    [Fact]
    public async Task HelmOutputThatLooksLikeAWorkflowCommand_IsDefused()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var chart = Path.Combine(run.Root, "chart");
        CopyFolder(Tools.Chart("fixture-web"), chart);
        await File.WriteAllTextAsync(Path.Combine(chart, "templates", "NOTES.txt"), "::error title=pwned::from NOTES\n  ::add-mask::nothing\n");
        var inputs = Inputs("notesweb", 3);
        inputs["INPUT_CHART"] = chart;

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(0, result.Log);
        result.Stdout.Should().Contain(":\u200B:error title=pwned::from NOTES").And.NotContain("\n::error title=pwned");
        result.Stdout.Split('\n').Where(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal))
            .Should().OnlyContain(l => !l.Contains("pwned", StringComparison.Ordinal) && !l.Contains("::add-mask::nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtraArgs_AreOneArgumentALine_SoAFlagWithASpaceInItsValueReachesHelmWhole()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("argsweb", 3);
        inputs["INPUT_EXTRA_ARGS"] = "--set-json=config={\"greeting\":\"hello world\"}\n--skip-crds --render-subchart-notes\n";

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(0, result.Log);
        var values = await HelmAsync(cluster.Simulator, run.Home, "get", "values", "argsweb", "--namespace", "argsweb", "--output", "json");
        values.ExitCode.Should().Be(0, values.StandardError);
        JsonNode.Parse(values.StandardOutput)!["config"]!["greeting"]!.GetValue<string>().Should().Be("hello world");
        AssertNoSecrets(result, run, _api);
    }

    [Fact]
    public async Task MissingHelm_Exits4AndTheDeploymentEndsInError()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("nohelm", 4);
        inputs["INPUT_HELM"] = Path.Combine(run.Root, "no-such-helm");

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(4, result.Log);
        result.Outputs["result"].Should().Be("unreachable");
        Statuses(_api).Should().Equal("in_progress", "error");
        AssertNoSecrets(result, run, _api);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
