using System.Text;
using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>One simulated cluster shared by the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public KubeSimulator Simulator { get; private set; } = null!;

    public async Task InitializeAsync() => Simulator = await KubeSimulator.StartAsync(new SimulatorOptions());

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}

/// <summary>
/// The action's entry as a process, as a runner starts it, against the Kubernetes simulator with the real helm and
/// a local GitHub API: what reaches GitHub, the files the runner reads, the log, secrets, exit codes.
/// </summary>
public sealed class ActionProcessTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private const string GitHubToken = "ghs_fakeTokenForTests0123456789abcdefABCD";
    private const string ClusterToken = "sim-bearer-7a1c0e5b9d2f4a8c";
    private const string DatabasePassword = "hunter2-db-password-42";
    private const string RunUrl = "https://github.example/acme/shop/actions/runs/4242";

    private FakeGitHubApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeGitHubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private string Kubeconfig => cluster.Simulator.KubeconfigYaml().Replace("user: {}", "user:\n    token: " + ClusterToken, StringComparison.Ordinal);

    private Dictionary<string, string> Inputs(string release, int major, params string[] set) => new(StringComparer.Ordinal)
    {
        // The runner's own form keeps dashes (INPUT_CREATE-NAMESPACE); the composite action maps underscores. Both work.
        ["INPUT_RELEASE"] = release,
        ["INPUT_CHART"] = Tools.Chart("fixture-web"),
        ["INPUT_NAMESPACE"] = release,
        ["INPUT_CREATE-NAMESPACE"] = "true",
        ["INPUT_HELM"] = Tools.Helm(major),
        ["INPUT_TIMEOUT"] = "90s",
        ["INPUT_SET"] = string.Join('\n', ["greeting=" + DatabasePassword, .. set]),
        ["INPUT_SECRETS"] = DatabasePassword,
        ["INPUT_KUBECONFIG"] = Kubeconfig,
        ["INPUT_GITHUB_TOKEN"] = GitHubToken,
        ["INPUT_ENVIRONMENT"] = "staging",
        ["INPUT_ENVIRONMENT_URL"] = "https://staging.shop.example",
        ["INPUT_COMMENT_ON_PR"] = "true",
        ["INPUT_DEPLOYMENT_STATUS"] = "true",
        ["INPUT_COMMIT_STATUS"] = "false",
        ["INPUT_EXTRA_ARGS"] = "",
    };

    [Fact]
    public async Task PullRequest_InstallThenBrokenUpgrade_ReportsDeploymentsAndUpdatesOneComment()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);

        var first = await run.RunAsync(Inputs("prweb", 4));

        first.ExitCode.Should().Be(0, first.Log);
        first.Stdout.Split('\n')[0].Should().StartWith("::add-mask::", "secrets are registered before anything else prints");
        first.Stdout.Should().Contain("::group::helm install prweb").And.Contain("::endgroup::");
        first.Outputs.Should().Contain(new Dictionary<string, string>
        {
            ["result"] = "succeeded", ["revision"] = "1", ["previous-revision"] = "", ["restored-revision"] = "",
            ["chart-version"] = "0.1.0", ["app-version"] = "1.25.0", ["failure-reason"] = "",
        });
        first.Output.Should().MatchRegex("result<<ghadelimiter_[0-9a-f]{32}\nsucceeded\nghadelimiter_[0-9a-f]{32}\n");
        File.Exists(first.Outputs["report-path"]).Should().BeTrue();
        first.Summary.Should().StartWith("### ✅ helm-sentinel: prweb installed revision 1").And.Contain("#### Release history").And.Contain("```mermaid\ntimeline\n");

        var deployment = _api.Matching("POST", "^/repos/acme/shop/deployments$").Should().ContainSingle().Subject.Json!;
        deployment["ref"]!.GetValue<string>().Should().Be(Payloads.HeadSha, "a pull request deploys its head commit, not the merge commit");
        deployment["environment"]!.GetValue<string>().Should().Be("staging");
        deployment["auto_merge"]!.GetValue<bool>().Should().BeFalse();
        deployment["required_contexts"]!.AsArray().Should().BeEmpty();
        Statuses().Should().Equal("in_progress", "success");
        var status = _api.Matching("POST", "/statuses$")[^1].Json!;
        status["log_url"]!.GetValue<string>().Should().Be(RunUrl);
        status["environment_url"]!.GetValue<string>().Should().Be("https://staging.shop.example");
        _api.Matching("POST", "^/repos/acme/shop/issues/7/comments$").Should().ContainSingle();
        _api.Comments(7).Should().ContainSingle().Which.Should().StartWith("<!-- helm-sentinel:comment release=prweb environment=staging -->\n### ✅");

        var second = await run.RunAsync(Inputs("prweb", 4, "image.repository=sim.local/crash"));

        second.ExitCode.Should().Be(1, second.Log);
        second.Outputs["result"].Should().Be("rolled-back");
        second.Outputs["previous-revision"].Should().Be("1");
        second.Outputs["restored-revision"].Should().Be("3");
        second.Outputs["revision"].Should().Be("3");
        second.Outputs["failure-reason"].Should().Contain("CrashLoopBackOff");
        second.Stdout.Should().Contain("::error title=helm-sentinel%3A prweb upgrade to revision 2 failed; rolled back to revision 1 (now revision 3)::");
        second.Stdout.Should().MatchRegex(@"2 +\S+ \S+ +failed .*<- failed\n").And.MatchRegex(@"3 +\S+ \S+ +deployed .*<- restored\n");
        second.Summary.Should().Contain("| 2 ❌ failed |").And.Contain("| 3 ✅ restored |").And.Contain("first fatal state - pod prweb-");
        Statuses().Should().Equal("in_progress", "success", "in_progress", "failure");
        _api.Matching("POST", "/issues/7/comments$").Should().ContainSingle("the second run updates the comment instead of adding one");
        _api.Matching("PATCH", "^/repos/acme/shop/issues/comments/\\d+$").Should().ContainSingle();
        _api.Comments(7).Should().ContainSingle().Which.Should().Contain("rolled back").And.Contain(RunUrl);

        foreach (var result in new[] { first, second })
        {
            AssertNoSecrets(result, run);
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
        AssertNoSecrets(result, run);
    }

    [Fact]
    public async Task GitHubAnswering502Twice_IsRetriedAndTheDeploymentIsCreated()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.Fail("POST", "^/repos/acme/shop/deployments$", 502, times: 2);
        _api.Fail("POST", "/issues/7/comments$", 429, times: 1, retryAfter: "1");

        var result = await run.RunAsync(Inputs("retryweb", 4));

        result.ExitCode.Should().Be(0, result.Log);
        _api.Matching("POST", "^/repos/acme/shop/deployments$").Select(r => r.Status).Should().Equal(502, 502, 201);
        _api.Matching("POST", "/issues/7/comments$").Select(r => r.Status).Should().Equal(429, 201);
        Statuses().Should().Equal("in_progress", "success");
        result.Stdout.Should().Contain("::warning::GitHub API: 502 BadGateway (attempt 1 of 5)");
        result.Stdout.Should().NotContain("could not");
    }

    [Fact]
    public async Task GitHubAnswering500Forever_LeavesTheDeployResultAndExitCodeUnchanged()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        _api.Fail("POST", ".*", 500, times: -1);
        _api.Fail("GET", ".*", 500, times: -1);

        var result = await run.RunAsync(Inputs("downweb", 4));

        result.ExitCode.Should().Be(0, result.Log);
        result.Outputs["result"].Should().Be("succeeded");
        result.Stdout.Should().Contain("::warning::GitHub: could not create the deployment: 500")
            .And.Contain("::warning::GitHub: could not read the comments of pull request #7: 500");
        _api.Matching("POST", "/deployments$").Should().HaveCount(5, "one attempt and four retries");
        result.Stdout.Should().NotContain("::error");
        AssertNoSecrets(result, run);
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

        AssertNoSecrets(result, run);
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
    public async Task MissingHelm_Exits4AndTheDeploymentEndsInError()
    {
        using var run = new ActionRun(_api.BaseAddress, "pull_request", Payloads.PullRequest);
        var inputs = Inputs("nohelm", 4);
        inputs["INPUT_HELM"] = Path.Combine(run.Root, "no-such-helm");

        var result = await run.RunAsync(inputs);

        result.ExitCode.Should().Be(4, result.Log);
        result.Outputs["result"].Should().Be("unreachable");
        Statuses().Should().Equal("in_progress", "error");
        AssertNoSecrets(result, run);
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

    private List<string> Statuses() =>
        [.. _api.Matching("POST", "^/repos/acme/shop/deployments/\\d+/statuses$").Where(r => r.Status == 201).Select(r => r.Json!["state"]!.GetValue<string>())];

    // Every byte the step leaves behind: its log, the output and summary files, files in RUNNER_TEMP, and what it
    // sent to GitHub. The only exception is the ::add-mask:: lines, which the runner consumes and never shows.
    private void AssertNoSecrets(ActionRun.Result result, ActionRun run)
    {
        var lines = result.Stdout.Split('\n');
        var masks = lines.Where(l => l.StartsWith("::add-mask::", StringComparison.Ordinal)).ToList();
        var log = string.Join('\n', lines.Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal)));
        var files = Directory.GetFiles(run.RunnerTemp).Select(File.ReadAllText);
        var everything = string.Join("\n", [log, result.Stderr, result.Output, result.Summary, .. files, .. _api.Requests.Select(r => r.Body)]);
        foreach (var secret in new[] { GitHubToken, ClusterToken, DatabasePassword })
        {
            masks.Should().Contain("::add-mask::" + secret);
            everything.Should().NotContain(secret);
            everything.Should().NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        }

        lines.TakeWhile(l => l.StartsWith("::add-mask::", StringComparison.Ordinal)).Should().HaveCount(masks.Count, "all masks come first");
    }
}
