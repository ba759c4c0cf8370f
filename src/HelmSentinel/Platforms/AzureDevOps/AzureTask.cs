using HelmSentinel.Deploy;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// One run of the Azure Pipelines task: registers the secrets with the agent, writes the kubeconfig of the service
/// connection (or the given content) and the verify document to private temporary files, runs the deploy, and reports it with logging
/// commands, the summary file and the pull request (Azure Repos, or GitHub for a repository there). The entry point
/// hands it the environment the agent built and standard output.
/// </summary>
public static class AzureTask
{
    // How long one Azure DevOps REST request may take.
    private static readonly TimeSpan RestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the task; returns the process exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="environment">The agent's environment: <c>INPUT_*</c>, <c>ENDPOINT_*</c>, predefined variables.</param>
    /// <param name="stdout">Where the agent reads the log and the logging commands.</param>
    /// <param name="services">The clock, retries, HTTP handler, GitHub client and helm; null = the defaults.</param>
    /// <param name="cancellationToken">The agent's cancellation: helm is interrupted and the engine restores the release.</param>
    public static async Task<int> RunAsync(
        IReadOnlyDictionary<string, string?> environment, TextWriter stdout, AzureTaskServices? services = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(stdout);
        services ??= new AzureTaskServices();
        stdout = TextWriter.Synchronized(stdout);
        var context = AzureTaskContext.Parse(environment);
        using var http = services.HttpHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        http.Timeout = RestTimeout;
        var reporter = new AzureTaskReporter(stdout, context, http, services);

        // Before anything else is printed: the agent masks these in every later line of the log.
        reporter.RegisterSecrets();
        if (context.Errors.Count > 0)
        {
            return await reporter.FinishAsync(AzureTaskReport.Rejected(context.Release, context.Namespace, context.Errors), new SecretMasker(context.Secrets), CancellationToken.None);
        }

        if (context.Command == "gitops")
        {
            return await AzureGitOps.RunAsync(environment, stdout, services, context, http, cancellationToken);
        }

        using var kubeconfig = context.Cluster is { } cluster ? PrivateTempFile.Write(cluster.Kubeconfig, PrivateTempFile.KubeconfigPrefix, context.TempDirectory) : null;
        using var verify = context.VerifyContent is { } document ? PrivateTempFile.Write(document, PrivateTempFile.VerifyPrefix, context.TempDirectory) : null;
        var rollback = context.Command == "rollback";
        var (parsed, errors) = DeployInputs.Parse(context.DeployInputsWith(kubeconfig?.Path, verify?.Path), rollback);
        if (parsed is null)
        {
            return await reporter.FinishAsync(AzureTaskReport.Rejected(context.Release, context.Namespace, errors), new SecretMasker(context.Secrets), CancellationToken.None);
        }

        // The context's secrets as they are: a multi-line secret variable stays one value (masked whole, in base64 and
        // line by line) instead of being split into lines as a secrets input would be.
        var request = parsed with { Secrets = context.Secrets };
        if (context.Command == "plan")
        {
            var planner = new PlanEngine(services.Helm(AzureTaskContext.WithoutCredentials(environment.Keys)), new AzureDeployLog(stdout), services.Time, services.HelmRetry)
            {
                VersionCache = services.HelmVersions(name => environment.GetValueOrDefault(name)),
                ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(environment.GetValueOrDefault("HELM_DRIVER")),
            };
            var plan = await planner.PlanAsync(request, AzureTaskContext.TaskInputName, cancellationToken);
            return await reporter.FinishPlanAsync(plan, new SecretMasker(request.MaskedValues), CancellationToken.None);
        }

        // The engine validates the request and names the task's inputs in what it refuses; the pending status goes
        // out once it has accepted the request, in parallel with the deploy.
        var started = Task.CompletedTask;
        var options = new DeployOptions
        {
            InputName = AzureTaskContext.TaskInputName,
            Accepted = accepted => started = reporter.StartAsync(accepted.Release, cancellationToken),
        };
        var engine = new DeployEngine(services.Helm(AzureTaskContext.WithoutCredentials(environment.Keys)), new AzureDeployLog(stdout), services.Time, services.HelmRetry)
        {
            VersionCache = services.HelmVersions(name => environment.GetValueOrDefault(name)),
                ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(environment.GetValueOrDefault("HELM_DRIVER")),
        };
        var outcome = rollback ? await engine.RollbackAsync(request, options, cancellationToken) : await engine.DeployAsync(request, options, cancellationToken);
        try
        {
            await started;
        }
        catch (OperationCanceledException)
        {
            // Cancelled before the pull request answered: the final status below still goes out.
        }

        // What follows reports a deploy that has ended; a cancelled task still gets its outputs and statuses.
        return await reporter.FinishAsync(outcome, new SecretMasker(request.MaskedValues), CancellationToken.None);
    }
}
