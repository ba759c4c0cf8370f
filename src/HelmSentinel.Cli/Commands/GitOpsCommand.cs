using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.GitOps;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel gitops</c>: after a merge to a GitOps repository, watches the Argo CD application or Flux
/// Kustomization until it is healthy at the merged commit for the bake, and reverts the commit when it degrades.</summary>
internal sealed class GitOpsCommand : CliCommand
{
    private readonly Dictionary<string, Option<string?>> _texts = new(StringComparer.Ordinal);
    private readonly Option<string[]> _helmReleases = CliOptions.List(
        "--" + GitOpsInputNames.FluxHelmRelease, "NS/NAME", "a HelmRelease the Kustomization applies (repeatable)");
    private readonly Option<OnOff?> _argoCdRollback = CliOptions.Switch(
        "--" + GitOpsInputNames.OnFailureArgoCdRollback, "on failure also roll back through Argo CD (an application without automated sync)");
    private readonly Option<string[]> _secret = CliOptions.List("--secret", "VALUE", "a value to mask in every output (repeatable)");
    private readonly Option<string?> _summaryFile = CliOptions.Text("--summary-file", "F", "write the Markdown report to F");
    private readonly Option<string?> _json = CliOptions.Text("--json", "F", "write the outcome as JSON to F");
    private readonly Option<string?> _githubTokenEnv = CliOptions.Text(
        "--github-token-env", "VAR", "the environment variable with the GitHub token for the revert pull request (default: GITHUB_TOKEN)");

    public GitOpsCommand()
        : base("gitops", "Watch an Argo CD application or Flux Kustomization after a merge; revert the commit when it degrades.")
    {
        (string Name, string Value, string Description)[] texts =
        [
            (GitOpsInputNames.Revision, "SHA", "the merged commit (required)"),
            (GitOpsInputNames.Repo, "DIR", "the GitOps repository's checkout, where the revert is made (default: the working directory)"),
            (GitOpsInputNames.Bake, "DURATION", "how long the application must stay healthy at the revision (default: 60s)"),
            (GitOpsInputNames.Timeout, "DURATION", "how long the whole watch may take (default: 10m)"),
            (GitOpsInputNames.ProgressingTimeout, "DURATION", "how long it may stay Progressing after the sync (default: 5m)"),
            (GitOpsInputNames.ArgoCdServer, "URL", "Argo CD's API server (with --app)"),
            (GitOpsInputNames.ArgoCdTokenEnv, "VAR", "the environment variable with the Argo CD token (default: ARGOCD_AUTH_TOKEN)"),
            (GitOpsInputNames.App, "NAME", "the Argo CD application (with --argocd-server)"),
            (GitOpsInputNames.AppNamespace, "NS", "its namespace, for apps outside Argo CD's own"),
            (GitOpsInputNames.ArgoCdApplication, "NS/NAME", "the Argo CD Application object, through the Kubernetes API"),
            (GitOpsInputNames.FluxKustomization, "NS/NAME", "the Flux Kustomization that applies the revision"),
            (GitOpsInputNames.Kubeconfig, "F", "the kubeconfig of the cluster that runs Argo CD or Flux"),
            (GitOpsInputNames.KubeContext, "X", "its context"),
            (GitOpsInputNames.DestinationKubeconfig, "F", "the kubeconfig of the cluster the application deploys to: its pods get the fail-fast rules"),
            (GitOpsInputNames.DestinationContext, "X", "its context"),
            (GitOpsInputNames.Revert, "pr|push|none", "on failure: a revert pull request (default), a revert pushed to the branch, or only a report"),
            (GitOpsInputNames.RevertBranchPrefix, "PREFIX", "the revert branch's prefix (default: helm-sentinel/revert-)"),
            (GitOpsInputNames.PollInterval, "DURATION", "how often Argo CD's API is read (default: 5s)"),
        ];
        foreach (var (name, value, description) in texts)
        {
            var option = CliOptions.Text("--" + name, value, description);
            _texts[name] = option;
            Options.Add(option);
        }

        foreach (var option in new Option[] { _helmReleases, _argoCdRollback, _secret, _summaryFile, _json, _githubTokenEnv })
        {
            Options.Add(option);
        }

        HelpNotes = Notes;
        SetAction(RunAsync);
    }

    private static string Notes => $$"""
        Done when the application is synced to the revision (Argo CD: the sync revision and the sync operation's result,
        which succeeded; Flux: the Kustomization applied it and each HelmRelease reconciled it) and healthy for the whole
        bake. An application Synced and Healthy at an older revision is not done. Failed when, at the revision, it is
        Degraded, its operation failed, or it stays not healthy past --progressing-timeout; then the commit is reverted
        (git revert -m 1, which also reverts a squash or rebase merge) on a branch with a pull request, or pushed.

        Exit codes:
          {{ExitCodes.Succeeded}}  healthy at the revision for the bake
          {{ExitCodes.RolledBack}}  failed, and reverted (pull request opened or updated, or pushed)
          {{ExitCodes.RollbackFailed}}  failed and not reverted (--revert none, a conflicting revert), or never synced to the revision
          {{ExitCodes.Rejected}}  bad input, a refused token, an application that does not exist; nothing changed
          {{ExitCodes.Unreachable}}  Argo CD, the cluster or the Git remote unreachable
        """;

    /// <summary>The inputs a parsed command line gives, by name, as the action's and the task's are. Pure.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToInputs(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var inputs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, option) in _texts)
        {
            if (parse.GetValue(option) is { } value)
            {
                inputs[name] = [value];
            }
        }

        if (parse.GetList(_helmReleases) is { Count: > 0 } releases)
        {
            inputs[GitOpsInputNames.FluxHelmRelease] = releases;
        }

        if (parse.GetSwitch(_argoCdRollback, false))
        {
            inputs[GitOpsInputNames.OnFailureArgoCdRollback] = ["true"];
        }

        if (parse.GetList(_secret) is { Count: > 0 } secrets)
        {
            inputs[GitOpsInputNames.Secrets] = secrets;
        }

        return inputs;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var (request, errors) = GitOpsInputs.Parse(ToInputs(parse), Environment.GetEnvironmentVariable);
        if (request is null)
        {
            foreach (var error in errors)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: invalid input '--{error.Input}': {error.Message}");
            }

            return ExitCodes.Rejected;
        }

        var log = new TextDeployLog(stdout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var tokens = new List<string>();
        var revert = GitOpsReverts.ForCli(request, parse.GetValue(_githubTokenEnv), Environment.GetEnvironmentVariable, http, tokens, out var refused);
        request = request with { Secrets = [.. request.Secrets, .. tokens] };
        if (refused is not null)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + new SecretMasker(request.Secrets).Mask(refused));
            return ExitCodes.Rejected;
        }

        var outcome = await new GitOpsEngine(log, TimeProvider.System).RunAsync(request, revert, cancellationToken);
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(GitOpsReport.Text(outcome));
        if (parse.GetValue(_summaryFile) is { } summary)
        {
            await File.WriteAllTextAsync(summary, GitOpsReport.Markdown(outcome), cancellationToken);
            await stdout.WriteLineAsync($"report written to {summary}");
        }

        if (parse.GetValue(_json) is { } json)
        {
            await File.WriteAllTextAsync(json, GitOpsReport.Json(outcome), cancellationToken);
        }

        return outcome.ExitCode;
    }
}
