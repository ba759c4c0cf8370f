using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Text;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// One run of the GitHub Action: masks the secrets, writes the kubeconfig and the verify document to private temporary
/// files, runs the deploy, and reports it to the log, <c>$GITHUB_OUTPUT</c>, <c>$GITHUB_STEP_SUMMARY</c>, the Deployment,
/// the pull request and the commit status. The entry point hands it the environment and standard output.
/// </summary>
public static class GitHubAction
{
    /// <summary>GitHub rejects a step summary above 1 MiB; at most 3 UTF-8 bytes per character keeps this under it.</summary>
    public const int MaxSummaryLength = 330_000;

    /// <summary>Runs the action; returns the process exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="environment">The step's environment: <c>INPUT_*</c>, <c>GITHUB_*</c>, <c>RUNNER_TEMP</c>.</param>
    /// <param name="stdout">Where the runner reads the log and the workflow commands.</param>
    /// <param name="services">The clock, retries, GitHub client and helm; null = the defaults.</param>
    /// <param name="cancellationToken">The runner's cancellation: helm is interrupted and the engine restores the release.</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> environment, TextWriter stdout, GitHubActionServices? services = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(stdout);
        services ??= new GitHubActionServices();
        stdout = TextWriter.Synchronized(stdout);
        var (settings, inputErrors) = ActionInputs.Read(environment);

        // Before anything else is printed: the runner masks these in every later line of the job's log.
        foreach (var line in MaskCommands(settings))
        {
            await stdout.WriteLineAsync(line);
        }

        var masker = new SecretMasker(settings.Secrets);
        void Warn(string message) => stdout.WriteLine(WorkflowCommands.Warning(masker.Mask(message)));

        var context = GitHubContext.Read(environment, ReadEventPayload(environment, Warn));
        settings = settings.WithMigrationsBase(context.PullRequestBase);
        var reporter = settings.Token is not null && context.Target is { } target
            ? new GitHubReporter(services.GitHubClient(target.ApiUrl, settings.Token), target, settings.Report,
                GitHubRetry.Create(services.GitHubRetry, services.Time, Warn), Warn)
            : null;
        if (reporter is null)
        {
            await stdout.WriteLineAsync("GitHub reporting is off: no github-token, or GITHUB_REPOSITORY is not set.");
        }

        var runnerTemp = Get(environment, "RUNNER_TEMP") ?? Path.GetTempPath();
        if (settings.Mode == "gitops" && inputErrors.Count == 0)
        {
            return await GitHubGitOps.RunAsync(environment, stdout, services, settings, context, masker, runnerTemp, cancellationToken);
        }

        if (settings.Mode == "plan" && inputErrors.Count == 0)
        {
            return await PlanAsync(environment, stdout, services, settings, reporter, masker, runnerTemp, cancellationToken);
        }

        DeployOutcome outcome;
        var started = Task.CompletedTask;
        using (var kubeconfig = settings.KubeconfigContent is { } content ? PrivateTempFile.Write(content, PrivateTempFile.KubeconfigPrefix, runnerTemp) : null)
        using (var verify = settings.VerifyContent is { } document ? PrivateTempFile.Write(document, PrivateTempFile.VerifyPrefix, runnerTemp) : null)
        {
            var rollback = settings.Mode == "rollback";
            var (parsed, errors) = inputErrors.Count > 0 ? (null, inputErrors) : DeployInputs.Parse(settings.DeployInputsWith(kubeconfig?.Path, verify?.Path), rollback);
            if (parsed is null)
            {
                outcome = Rejected(settings, errors);
            }
            else
            {
                // The reporter starts once the engine has accepted the request (a rejected one gets no Deployment), in
                // parallel with the deploy: helm's first call does not wait for GitHub's answers.
                var options = new DeployOptions
                {
                    Accepted = request => started = reporter?.StartAsync(request, cancellationToken) ?? Task.CompletedTask,
                };
                var engine = new DeployEngine(services.Helm(HelmEnvironment(environment)), new GitHubDeployLog(stdout), services.Time, services.HelmRetry)
                {
                    VersionCache = services.HelmVersions(name => environment.GetValueOrDefault(name)),
                    ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(environment.GetValueOrDefault("HELM_DRIVER")),
                };
                outcome = rollback
                    ? await engine.RollbackAsync(parsed with { Secrets = settings.Secrets }, options, cancellationToken)
                    : await engine.DeployAsync(parsed with { Secrets = settings.Secrets }, options, cancellationToken);
            }
        }

        // What follows reports a deploy that has ended; a cancelled job still gets its outputs and statuses
        // for as long as the runner lets the process live.
        var markdown = MarkdownReport.Render(outcome, masker);
        var reportPath = Path.Combine(runnerTemp, $"helm-sentinel-{Safe(outcome.Release)}-{Safe(settings.Report.Environment)}.md");
        await File.WriteAllTextAsync(reportPath, markdown, CancellationToken.None);
        if (Get(environment, "GITHUB_STEP_SUMMARY") is { } summary)
        {
            await File.AppendAllTextAsync(summary, Markdown.Bound(markdown, MaxSummaryLength, "the full report is in " + reportPath), CancellationToken.None);
        }

        if (Get(environment, "GITHUB_OUTPUT") is { } output)
        {
            await File.AppendAllTextAsync(output, FileCommands.Entries(ActionOutputs.From(outcome, masker, reportPath)), CancellationToken.None);
        }

        try
        {
            await started;
        }
        catch (OperationCanceledException)
        {
            // Cancelled before GitHub answered: there is no deployment to finish.
        }

        if (reporter is not null)
        {
            await reporter.FinishAsync(outcome, markdown, CancellationToken.None);
        }

        // The plain report quotes helm's error and pod logs: none of their lines may act as a workflow command.
        await stdout.WriteLineAsync();
        foreach (var line in TextReport.Render(outcome, masker).TrimEnd('\n').Split('\n'))
        {
            await stdout.WriteLineAsync(GitHubDeployLog.Defuse(line));
        }

        if (outcome.Result != DeployResult.Succeeded)
        {
            var reason = masker.Mask(string.IsNullOrWhiteSpace(outcome.FailureReason) ? TextReport.Headline(outcome) : outcome.FailureReason.Trim());
            await stdout.WriteLineAsync(WorkflowCommands.Error(reason, masker.Mask($"helm-sentinel: {TextFormat.OneLine(TextReport.Headline(outcome))}")));
        }

        return outcome.ExitCode;
    }

    // mode: plan. The upgrade's plan, nothing changed: to the log, the step summary (whole), the pull request comment (one
    // collapsed section per object, bounded under GitHub's limit) and the outputs; exit 0, 3 with a blocking finding, 4.
    private static async Task<int> PlanAsync(
        IReadOnlyDictionary<string, string> environment, TextWriter stdout, GitHubActionServices services, ActionSettings settings,
        GitHubReporter? reporter, SecretMasker masker, string runnerTemp, CancellationToken cancellationToken)
    {
        DeployPlan plan;
        using (var kubeconfig = settings.KubeconfigContent is { } content ? PrivateTempFile.Write(content, PrivateTempFile.KubeconfigPrefix, runnerTemp) : null)
        {
            var (parsed, errors) = DeployInputs.Parse(settings.DeployInputsWith(kubeconfig?.Path));
            if (parsed is null)
            {
                foreach (var error in errors)
                {
                    await stdout.WriteLineAsync(WorkflowCommands.Error(masker.Mask($"invalid input '{error.Input}': {error.Message}"), "helm-sentinel"));
                }

                string Input(string name) => settings.DeployInputs.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : "";
                plan = new DeployPlan
                {
                    Release = Input(DeployInputNames.Release),
                    Namespace = Input(DeployInputNames.Namespace) is { Length: > 0 } ns ? ns : "default",
                    Chart = Input(DeployInputNames.Chart),
                    Result = PlanResult.Rejected,
                    Error = "the input is invalid; nothing was planned",
                    InputErrors = errors,
                };
            }
            else
            {
                var engine = new PlanEngine(services.Helm(HelmEnvironment(environment)), new GitHubDeployLog(stdout), services.Time, services.HelmRetry)
                {
                    VersionCache = services.HelmVersions(name => environment.GetValueOrDefault(name)),
                    ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(environment.GetValueOrDefault("HELM_DRIVER")),
                };
                plan = await engine.PlanAsync(parsed with { Secrets = settings.Secrets }, cancellationToken: cancellationToken);
            }
        }

        var name = $"helm-sentinel-plan-{Safe(plan.Release)}-{Safe(settings.Report.Environment)}";
        var planPath = Path.Combine(runnerTemp, name + ".json");
        var reportPath = Path.Combine(runnerTemp, name + ".md");
        await File.WriteAllTextAsync(planPath, PlanJson.Write(plan, masker), CancellationToken.None);
        await File.WriteAllTextAsync(reportPath, PlanReport.Markdown(plan, masker), CancellationToken.None);
        if (Get(environment, "GITHUB_STEP_SUMMARY") is { } summary)
        {
            await File.AppendAllTextAsync(summary, PlanReport.Markdown(plan, masker, MaxSummaryLength, "the full plan is in " + reportPath), CancellationToken.None);
        }

        if (Get(environment, "GITHUB_OUTPUT") is { } output)
        {
            await File.AppendAllTextAsync(output, FileCommands.Entries(ActionOutputs.FromPlan(plan, masker, planPath, reportPath)), CancellationToken.None);
        }

        if (reporter is not null)
        {
            var comment = PlanReport.Markdown(plan, masker, PullRequestComment.MaxBodyLength - 2_000, "the full plan is in the workflow run's summary");
            await reporter.CommentPlanAsync(plan, comment, CancellationToken.None);
        }

        await stdout.WriteLineAsync();
        foreach (var line in PlanReport.Text(plan, masker).TrimEnd('\n').Split('\n'))
        {
            await stdout.WriteLineAsync(GitHubDeployLog.Defuse(line));
        }

        if (plan.Result is not PlanResult.Planned)
        {
            await stdout.WriteLineAsync(WorkflowCommands.Error(masker.Mask(TextFormat.OneLine(PlanReport.Headline(plan))), "helm-sentinel plan"));
        }

        return plan.ExitCode;
    }

    /// <summary>The <c>::add-mask::</c> lines for every secret, in each of its single-line forms (<see cref="SecretMasker.RunnerValues"/>:
    /// a multi-line secret line by line, PEM armour left out), and the kubeconfig content as one value (its credentials are
    /// among the secrets; its other lines, such as <c>kind: Config</c>, are not masked).</summary>
    public static IReadOnlyList<string> MaskCommands(ActionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = SecretMasker.RunnerValues(settings.Secrets).ToList();
        if (settings.KubeconfigContent is { } kubeconfig && !string.IsNullOrWhiteSpace(kubeconfig) && !values.Contains(kubeconfig, StringComparer.Ordinal))
        {
            values.Add(kubeconfig);
        }

        return [.. values.Select(WorkflowCommands.AddMask)];
    }

    // Helm needs none of the action's inputs or tokens: its environment, and any plugin's, goes without them.
    private static Dictionary<string, string?> HelmEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var removed = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in environment.Keys.Where(k =>
            k.StartsWith("INPUT_", StringComparison.OrdinalIgnoreCase) || k is "GITHUB_TOKEN" or "ACTIONS_RUNTIME_TOKEN" or "ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
        {
            removed[name] = null;
        }

        return removed;
    }

    private static DeployOutcome Rejected(ActionSettings settings, IReadOnlyList<InputError> errors)
    {
        string? Input(string name) => settings.DeployInputs.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
        return DeployOutcome.Rejected(Input(DeployInputNames.Release), Input(DeployInputNames.Namespace), Input(DeployInputNames.Chart), errors);
    }

    private static string? ReadEventPayload(IReadOnlyDictionary<string, string> environment, Action<string> warn)
    {
        if (Get(environment, "GITHUB_EVENT_PATH") is not { } path)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            warn($"could not read the event payload {path}: {e.Message}");
            return null;
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string Safe(string value) =>
        new([.. value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]);
}
