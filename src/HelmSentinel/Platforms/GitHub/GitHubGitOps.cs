using HelmSentinel.Deploy;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Text;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// The action's mode gitops: after a merge to a GitOps repository, watches the Argo CD application or Flux Kustomization
/// and, when the merged commit degrades it, opens the revert pull request in the workflow's repository (or pushes the
/// revert); reports to the log, the step summary and the outputs.
/// </summary>
internal static class GitHubGitOps
{
    /// <summary>Runs the watch; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyDictionary<string, string> environment, TextWriter stdout, GitHubActionServices services, ActionSettings settings,
        GitHubContext context, SecretMasker masker, string runnerTemp, CancellationToken cancellationToken)
    {
        void Warn(string message) => stdout.WriteLine(WorkflowCommands.Warning(masker.Mask(message)));
        using var kubeconfig = settings.KubeconfigContent is { } content ? PrivateTempFile.Write(content, PrivateTempFile.KubeconfigPrefix, runnerTemp) : null;
        var inputs = new Dictionary<string, IReadOnlyList<string>>(settings.GitOpsInputs, StringComparer.Ordinal);
        if (!inputs.ContainsKey(GitOpsInputNames.Revision) && context.Sha is { } sha)
        {
            // On a push to the GitOps repository's branch, the pushed commit is the one to watch.
            inputs[GitOpsInputNames.Revision] = [sha];
        }

        if (kubeconfig is not null)
        {
            inputs[GitOpsInputNames.Kubeconfig] = [kubeconfig.Path];
        }

        using var destination = ActionInputs.Get(environment, GitOpsInputNames.DestinationKubeconfig) is { } destinationContent
            ? PrivateTempFile.Write(destinationContent, PrivateTempFile.KubeconfigPrefix, runnerTemp)
            : null;
        if (destination is not null)
        {
            inputs[GitOpsInputNames.DestinationKubeconfig] = [destination.Path];
        }

        const string tokenVariable = "INPUT_ARGOCD_TOKEN";
        var token = ActionInputs.Get(environment, ActionInputs.ArgoCdTokenInput)?.Trim();
        if (token is not null)
        {
            inputs[GitOpsInputNames.ArgoCdTokenEnv] = [tokenVariable];
        }

        var (request, errors) = GitOpsInputs.Parse(inputs, name => name == tokenVariable ? token : environment.GetValueOrDefault(name));
        IRevertPullRequests? pullRequests = null;
        if (request is not null && settings.Token is not null && context.Target is { } target)
        {
            var client = services.GitHubClient(target.ApiUrl, settings.Token);
            pullRequests = new GitHubRevertPullRequests(client, target.Owner, target.Repository, GitHubRetry.Create(services.GitHubRetry, services.Time, Warn));
        }

        var refusal = request is null ? null : GitOpsReverting.Refusal(request, pullRequests, "github-token and the workflow's repository");
        if (request is null || refusal is not null)
        {
            foreach (var error in errors.Select(e => $"invalid input '{e.Input}': {e.Message}").Append(refusal).OfType<string>())
            {
                await stdout.WriteLineAsync(WorkflowCommands.Error(masker.Mask(error), "helm-sentinel gitops"));
            }

            return ExitCodes.Rejected;
        }

        request = request with { Secrets = [.. request.Secrets, .. settings.Secrets] };
        var revert = request.Revert == RevertMode.None ? null : GitOpsReverting.Create(request, pullRequests, context.RunUrl, "workflow run");
        var outcome = await new GitOpsEngine(new GitHubDeployLog(stdout), services.Time).RunAsync(request, revert, cancellationToken);

        var markdown = GitOpsReport.Markdown(outcome);
        var reportPath = Path.Combine(runnerTemp, $"helm-sentinel-gitops-{GitOpsWatch.Short(request.Revision)}.md");
        await File.WriteAllTextAsync(reportPath, markdown, CancellationToken.None);
        if (environment.GetValueOrDefault("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            await File.AppendAllTextAsync(summary, Markdown.Bound(markdown, GitHubAction.MaxSummaryLength, "the full report is in " + reportPath), CancellationToken.None);
        }

        if (environment.GetValueOrDefault("GITHUB_OUTPUT") is { Length: > 0 } output)
        {
            await File.AppendAllTextAsync(output, FileCommands.Entries([.. GitOpsReport.Outputs(outcome), new("report-path", reportPath)]), CancellationToken.None);
        }

        await stdout.WriteLineAsync();
        foreach (var line in GitOpsReport.Text(outcome).Split('\n'))
        {
            await stdout.WriteLineAsync(GitHubDeployLog.Defuse(line));
        }

        if (outcome.Result != GitOpsResult.Healthy)
        {
            await stdout.WriteLineAsync(WorkflowCommands.Error(outcome.Masker.Mask(outcome.Reason), "helm-sentinel: " + TextFormat.OneLine(GitOpsReport.Headline(outcome))));
        }

        return outcome.ExitCode;
    }
}
