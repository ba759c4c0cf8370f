using HelmSentinel.Deploy;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// What the action was asked to do, beyond the deploy request: the kubeconfig content, the token and how to
/// report to GitHub. Parsed once from the environment by <see cref="ActionInputs.Read"/>.
/// </summary>
public sealed record ActionSettings
{
    /// <summary>The deploy inputs (kebab-case, as <see cref="DeployInputs.Parse"/> takes them), without <c>kubeconfig</c>
    /// and <c>verify</c> (<see cref="ActionInputs.ContentNames"/>).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> DeployInputs { get; init; }

    /// <summary>The inputs of mode gitops (<see cref="ActionInputs.GitOpsNames"/>), as given.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GitOpsInputs { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The kubeconfig given as content, or null to use helm's default (<c>$KUBECONFIG</c>, <c>~/.kube/config</c>).</summary>
    public string? KubeconfigContent { get; init; }

    /// <summary>The verify document given as YAML text, or null (absent or blank) for no verification.</summary>
    public string? VerifyContent { get; init; }

    /// <summary>What the run does: <c>deploy</c> (the default), <c>plan</c> (the upgrade's plan and preflight, nothing
    /// changed), <c>rollback</c> (by hand) or <c>gitops</c> (watch the GitOps application after a merge).</summary>
    public string Mode { get; init; } = "deploy";

    /// <summary>The token for the GitHub API; null or empty disables every GitHub call.</summary>
    public string? Token { get; init; }

    /// <summary>What to report to GitHub (<c>environment</c>, <c>environment-url</c>, <c>comment-on-pr</c>,
    /// <c>deployment-status</c>, <c>commit-status</c>, <c>production-environment</c>, <c>transient-environment</c>).</summary>
    public required GitHubReportOptions Report { get; init; }

    /// <summary>Every value to mask: the token, the kubeconfig's credentials, the <c>secrets</c> input and the values that
    /// <c>set</c> and <c>set-string</c> pass under keys that look secret. (The kubeconfig content as a whole is registered
    /// with the runner too, as one value and not line by line: most of its lines, such as <c>kind: Config</c>, are not secret.)</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The settings with <c>migrations-base</c> set to a pull request's base commit (<see cref="GitHubContext.PullRequestBase"/>),
    /// so that only the migrations the pull request adds or changes are linted; unchanged when there are no migrations, no
    /// pull request, or the base was given.</summary>
    public ActionSettings WithMigrationsBase(string? pullRequestBase)
    {
        if (pullRequestBase is null || !DeployInputs.ContainsKey(DeployInputNames.Migrations) || DeployInputs.ContainsKey(DeployInputNames.MigrationsBase))
        {
            return this;
        }

        return this with
        {
            DeployInputs = new Dictionary<string, IReadOnlyList<string>>(DeployInputs, StringComparer.Ordinal) { [DeployInputNames.MigrationsBase] = [pullRequestBase] },
        };
    }

    /// <summary>The deploy inputs with the private files the action wrote for the content inputs (kubeconfig, verify).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DeployInputsWith(string? kubeconfigPath, string? verifyPath = null) =>
        Deploy.DeployInputs.WithFiles(DeployInputs, kubeconfigPath, verifyPath);
}
