using System.Text;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;
using HelmSentinel.Resilience.GitHub;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// The task's <c>command: gitops</c>: watches the Argo CD application or Flux Kustomization after a merge and, when the
/// merged commit degrades it, opens the revert pull request in the build's repository (Azure Repos, or GitHub), or pushes
/// the revert; reports to the log, the summary tab and the output variables, and completes the task.
/// </summary>
internal static class AzureGitOps
{
    /// <summary>Runs the watch; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyDictionary<string, string?> environment, TextWriter stdout, AzureTaskServices services, AzureTaskContext context, HttpClient http,
        CancellationToken cancellationToken)
    {
        var masker = new SecretMasker(context.Secrets);
        using var kubeconfig = context.Cluster is { } cluster ? PrivateTempFile.Write(cluster.Kubeconfig, PrivateTempFile.KubeconfigPrefix, context.TempDirectory) : null;
        var inputs = new Dictionary<string, IReadOnlyList<string>>(context.GitOpsInputs, StringComparer.Ordinal);
        if (kubeconfig is not null && (inputs.ContainsKey(GitOpsInputNames.ArgoCdApplication) || inputs.ContainsKey(GitOpsInputNames.FluxKustomization)))
        {
            inputs[GitOpsInputNames.Kubeconfig] = [kubeconfig.Path];
        }

        using var destination = context.Destination is { } target ? PrivateTempFile.Write(target.Kubeconfig, PrivateTempFile.KubeconfigPrefix, context.TempDirectory) : null;
        if (destination is not null)
        {
            inputs[GitOpsInputNames.DestinationKubeconfig] = [destination.Path];
            if (context.Destination!.Context is { } destinationContext)
            {
                inputs[GitOpsInputNames.DestinationContext] = [destinationContext];
            }
        }

        var (request, errors) = GitOpsInputs.Parse(inputs, name => name == AzureTaskContext.ArgoCdTokenVariable ? context.ArgoCdToken : environment.GetValueOrDefault(name));
        IRevertPullRequests? pullRequests = null;
        if (context.Repository is { AccessToken: not null } repository)
        {
            pullRequests = new AzureReposRevertPullRequests(http, repository, services.AzureReposRetry, services.Time);
        }
        else if (context.GitHubRepository is { Token: { } token } github)
        {
            pullRequests = new GitHubRevertPullRequests(services.GitHubClient(github.ApiUrl, token), github.Owner, github.Name,
                GitHubRetry.Create(services.GitHubRetry, services.Time, m => stdout.WriteLine(AzureCommands.Warning(masker.Mask(m)))));
        }

        var refusal = request is null ? null : GitOpsReverting.Refusal(request, pullRequests, "the build's repository on Azure Repos with the job's access token (or githubToken for a repository on GitHub)");
        if (request is null || refusal is not null)
        {
            var lines = errors.Select(e => $"invalid input '{AzureTaskContext.TaskInputName(e.Input)}': {e.Message}").Append(refusal).OfType<string>().ToList();
            foreach (var line in lines)
            {
                await stdout.WriteLineAsync(AzureCommands.Error(masker.Mask(line)));
            }

            await stdout.WriteLineAsync(AzureCommands.Complete(false, masker.Mask("helm-sentinel gitops: " + lines[0])));
            return Deploy.ExitCodes.Rejected;
        }

        request = request with { Secrets = [.. request.Secrets, .. context.Secrets] };
        var revert = request.Revert == RevertMode.None ? null : GitOpsReverting.Create(request, pullRequests, context.BuildUrl, "pipeline run");
        var outcome = await new GitOpsEngine(new AzureDeployLog(stdout), services.Time).RunAsync(request, revert, cancellationToken);

        await stdout.WriteLineAsync();
        foreach (var line in AzureCommands.PlainLines(GitOpsReport.Text(outcome)))
        {
            await stdout.WriteLineAsync(line);
        }

        var summary = Path.GetFullPath(Path.Combine(context.TempDirectory, $"helm-sentinel-gitops-{GitOpsWatch.Short(request.Revision)}.md"));
        await File.WriteAllTextAsync(summary, GitOpsReport.Markdown(outcome), new UTF8Encoding(false), CancellationToken.None);
        await stdout.WriteLineAsync(AzureCommands.UploadSummary(summary));
        foreach (var (name, value) in GitOpsReport.Outputs(outcome))
        {
            await stdout.WriteLineAsync(AzureCommands.SetOutput(name == "failure-reason" ? "failureReason" : name, value));
        }

        await stdout.WriteLineAsync(AzureCommands.Complete(outcome.Result == GitOpsResult.Healthy, GitOpsReport.Headline(outcome)));
        return outcome.ExitCode;
    }
}
