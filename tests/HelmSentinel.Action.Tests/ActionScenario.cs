using System.Text;
using HelmSentinel.Simulator;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Action.Tests;

/// <summary>
/// What the action's deploy tests share: the inputs of a deploy of the fixture chart to the simulator, reported to
/// the local GitHub API, with three secrets (the GitHub token, the cluster's token, a password passed through
/// <c>set</c>) that must never be seen; and the checks on what a run left behind.
/// </summary>
internal static class ActionScenario
{
    public const string GitHubToken = "ghs_fakeTokenForTests0123456789abcdefABCD";
    public const string ClusterToken = "sim-bearer-7a1c0e5b9d2f4a8c";
    public const string DatabasePassword = "hunter2-db-password-42";
    public const string RunUrl = "https://github.example/acme/shop/actions/runs/4242";

    public static string Kubeconfig(KubeSimulator simulator) =>
        simulator.KubeconfigYaml().Replace("user: {}", "user:\n    token: " + ClusterToken, StringComparison.Ordinal);

    public static Dictionary<string, string> Inputs(KubeSimulator simulator, string release, int major, params string[] set) => new(StringComparer.Ordinal)
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
        ["INPUT_KUBECONFIG"] = Kubeconfig(simulator),
        ["INPUT_GITHUB_TOKEN"] = GitHubToken,
        ["INPUT_ENVIRONMENT"] = "staging",
        ["INPUT_ENVIRONMENT_URL"] = "https://staging.shop.example",
        ["INPUT_COMMENT_ON_PR"] = "true",
        ["INPUT_DEPLOYMENT_STATUS"] = "true",
        ["INPUT_COMMIT_STATUS"] = "false",
        ["INPUT_EXTRA_ARGS"] = "",
    };

    /// <summary>The states of the deployment statuses GitHub accepted, in order.</summary>
    public static List<string> Statuses(FakeGitHubApi api) =>
        [.. api.Matching("POST", "^/repos/acme/shop/deployments/\\d+/statuses$").Where(r => r.Status == 201).Select(r => r.Json!["state"]!.GetValue<string>())];

    /// <summary>Runs helm against the simulator (its own kubeconfig, an isolated home) to look at what a run left.</summary>
    public static async Task<ProcessResult> HelmAsync(KubeSimulator simulator, IsolatedHome home, params string[] arguments)
    {
        var kubeconfig = simulator.WriteKubeconfig(Path.Combine(home.Root, "inspect-kubeconfig"));
        return await ProcessRunner.RunAsync(Tools.Helm(3), [.. arguments, "--kubeconfig", kubeconfig], home.Environment);
    }

    /// <summary>Every byte the step leaves behind but the <c>::add-mask::</c> lines: stdout, the output and summary files,
    /// every file in RUNNER_TEMP and every request GitHub got, each named as a channel.</summary>
    public static List<(string Channel, string? Text)> Channels(ActionRun.Result result, ActionRun run, FakeGitHubApi api) =>
    [
        ("stdout", string.Join('\n', result.Stdout.Split('\n').Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal)))),
        ("$GITHUB_OUTPUT", result.Output),
        ("$GITHUB_STEP_SUMMARY", result.Summary),
        .. Directory.GetFiles(run.RunnerTemp, "*", SearchOption.AllDirectories).Select(f => ("RUNNER_TEMP/" + Path.GetFileName(f), (string?)File.ReadAllText(f))),
        .. api.Requests.Select(r => ($"{r.Method} {r.RawPath}", (string?)(r.RawPath + "\n" + r.Body))),
    ];

    // Every byte the step leaves behind: its log, the output and summary files, files in RUNNER_TEMP, and what it
    // sent to GitHub. The only exception is the ::add-mask:: lines, which the runner consumes and never shows.
    public static void AssertNoSecrets(ActionRun.Result result, ActionRun run, FakeGitHubApi api)
    {
        var lines = result.Stdout.Split('\n');
        var masks = lines.Where(l => l.StartsWith("::add-mask::", StringComparison.Ordinal)).ToList();
        var log = string.Join('\n', lines.Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal)));
        var files = Directory.GetFiles(run.RunnerTemp).Select(File.ReadAllText);
        var everything = string.Join("\n", [log, result.Stderr, result.Output, result.Summary, .. files, .. api.Requests.Select(r => r.Body)]);
        foreach (var secret in new[] { GitHubToken, ClusterToken, DatabasePassword })
        {
            masks.Should().Contain("::add-mask::" + secret).And.Contain("::add-mask::" + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        }

        // Raw, base64, URL-encoded, JSON- and Markdown-escaped, command-escaped, cut short: none of it.
        var leaks = new SecretCanary([GitHubToken, ClusterToken, DatabasePassword]).Find("what the step left behind", everything);
        leaks.Should().BeEmpty(string.Join("\n", leaks));

        lines.TakeWhile(l => l.StartsWith("::add-mask::", StringComparison.Ordinal)).Should().HaveCount(masks.Count, "all masks come first");
    }
}
