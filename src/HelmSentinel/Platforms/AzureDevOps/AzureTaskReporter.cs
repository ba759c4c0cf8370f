using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.GitHub;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// Tells Azure DevOps about one deploy: logging commands on the output, the summary file, and the pull request: on
/// Azure Repos its status and thread, on GitHub the comment and the commit status (through <see cref="GitHubReporter"/>).
/// A reporting failure becomes a warning; it never changes the deploy's result.
/// </summary>
public sealed class AzureTaskReporter
{
    private readonly TextWriter _output;
    private readonly AzureTaskContext _context;
    private readonly AzureReposClient? _repos;
    private readonly AzureTaskServices _services;
    private readonly SecretMasker _masker;

    /// <param name="output">Where the agent reads commands (standard output).</param>
    /// <param name="context">The parsed task context.</param>
    /// <param name="http">For the REST calls; null = no pull request reporting.</param>
    /// <param name="services">The clock, the retry options and the GitHub client; null = the defaults.</param>
    public AzureTaskReporter(TextWriter output, AzureTaskContext context, HttpClient? http, AzureTaskServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        _services = services ?? new AzureTaskServices();
        _output = output;
        _context = context;
        _masker = new SecretMasker(context.Secrets);
        if (http is not null && context.AzureRepos is { } pullRequest && (context.CommentOnPullRequest || context.PullRequestStatus))
        {
            _repos = new AzureReposClient(http, pullRequest, _services.AzureReposRetry, _services.Time);
        }
    }

    /// <summary>Registers every secret with the agent, in each of its single-line forms (<see cref="SecretMasker.RunnerValues"/>:
    /// a multi-line secret line by line, as the agent masks); call it before anything else is printed.</summary>
    public void RegisterSecrets()
    {
        foreach (var value in SecretMasker.RunnerValues(_context.Secrets))
        {
            _output.WriteLine(AzureCommands.SetSecret(value));
        }
    }

    /// <summary>Marks the PR status pending for the release about to be deployed.</summary>
    public async Task StartAsync(string release, CancellationToken cancellationToken = default)
    {
        if (GitHubReporterFor(_masker) is { } github)
        {
            await github.StartAsync(release, _context.Namespace, cancellationToken);
        }

        if (_repos is not null && _context.PullRequestStatus && CanReport())
        {
            await TryAsync("set the pull request status", () =>
                _repos.PostStatusAsync("pending", AzureTaskReport.StatusName(release, _context.Environment), $"deploying {release}", cancellationToken));
        }
    }

    /// <summary>Prints the report, writes the outputs, the summary, the build tag, updates the pull request, and
    /// completes the task. Returns the exit code for the outcome.</summary>
    public async Task<int> FinishAsync(DeployOutcome outcome, SecretMasker masker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        _output.WriteLine();
        foreach (var line in AzureCommands.PlainLines(TextReport.Render(outcome, masker)))
        {
            _output.WriteLine(line);
        }

        var markdown = MarkdownReport.Render(outcome, masker);
        var summary = Path.GetFullPath(Path.Combine(_context.TempDirectory, AzureTaskReport.SummaryFileName(outcome.Release, outcome.Namespace)));
        await File.WriteAllTextAsync(summary, markdown, new UTF8Encoding(false), cancellationToken);
        foreach (var command in AzureTaskReport.Commands(outcome, masker, summary))
        {
            _output.WriteLine(command);
        }

        await ReportToPullRequestAsync(outcome, masker, cancellationToken);
        _output.WriteLine(AzureTaskReport.Complete(outcome, masker));
        return outcome.ExitCode;
    }

    /// <summary><c>command: plan</c>: prints the plan, writes the JSON plan and the summary, sets the outputs and the build tag,
    /// puts the plan into the pull request thread (or GitHub comment) the deploys of this release update, and completes the
    /// task. Returns the exit code (0, 3 with a blocking finding, 4).</summary>
    public async Task<int> FinishPlanAsync(DeployPlan plan, SecretMasker masker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        _output.WriteLine();
        foreach (var line in AzureCommands.PlainLines(PlanReport.Text(plan, masker)))
        {
            _output.WriteLine(line);
        }

        var name = AzureTaskReport.SummaryFileName(plan.Release, plan.Namespace).Replace("helm-sentinel-", "helm-sentinel-plan-", StringComparison.Ordinal);
        var summary = Path.GetFullPath(Path.Combine(_context.TempDirectory, name));
        var planPath = Path.ChangeExtension(summary, ".json");
        await File.WriteAllTextAsync(summary, PlanReport.Markdown(plan, masker), new UTF8Encoding(false), cancellationToken);
        await File.WriteAllTextAsync(planPath, PlanJson.Write(plan, masker), new UTF8Encoding(false), cancellationToken);
        foreach (var command in AzureTaskReport.PlanCommands(plan, masker, summary, planPath))
        {
            _output.WriteLine(command);
        }

        if (_context.GitHub is { } github && _context.CommentOnPullRequest)
        {
            if (github.Token is not null && GitHubReporterFor(masker) is { } reporter)
            {
                var comment = PlanReport.Markdown(plan, masker, PullRequestComment.MaxBodyLength - 2_000, "the full plan is in the pipeline run's summary");
                await reporter.CommentPlanAsync(plan, comment, cancellationToken);
            }
        }
        else if (_repos is not null && _context.CommentOnPullRequest && CanReport())
        {
            var key = AzureTaskReport.ThreadKey(plan.Release, plan.Namespace, _context.Environment);
            var content = AzureTaskReport.PlanThreadContent(plan, masker, _context.AzureRepos!.BuildUrl, _context.Environment);
            await TryAsync("update the pull request thread", async () =>
            {
                var (id, created) = await _repos.UpsertThreadAsync(key, content, resolved: false, cancellationToken);
                _output.WriteLine($"pull request thread {id} {(created ? "created" : "updated")}");
            });
        }

        _output.WriteLine(AzureTaskReport.PlanComplete(plan, masker));
        return plan.ExitCode;
    }

    /// <summary>A repository on GitHub: the same GitHub reporter as the GitHub Action's, for the comment (one per
    /// release and environment, updated in place) and, in place of the Azure Repos PR status, the commit status
    /// <c>helm-sentinel/&lt;environment&gt;</c> on the pull request's head commit. No GitHub Deployment: that belongs to
    /// GitHub Actions environments.</summary>
    private async Task ReportToGitHubAsync(GitHubPullRequestTarget github, DeployOutcome outcome, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (github.Token is null)
        {
            _output.WriteLine(AzureCommands.Warning(
                $"the repository is on GitHub: give the githubToken input (a token that may comment on pull requests) to report to {github.Repository}#{github.Number}."));
            return;
        }

        if (GitHubReporterFor(masker) is { } reporter)
        {
            await reporter.FinishAsync(outcome, MarkdownReport.Render(outcome, masker), cancellationToken);
        }
        else
        {
            _output.WriteLine(AzureCommands.Warning($"cannot report to GitHub: '{github.Repository}' is not owner/name."));
        }
    }

    /// <summary>The GitHub reporter for a repository on GitHub, for the comment and the commit status; null when the
    /// repository is not on GitHub, there is no token, nothing is to be reported, or the name is not owner/name. No
    /// GitHub Deployment: that belongs to GitHub Actions environments. Its warnings are masked with <paramref name="masker"/>.</summary>
    private GitHubReporter? GitHubReporterFor(SecretMasker masker)
    {
        if (_context.GitHub is not { Token: { } token } github || !(_context.CommentOnPullRequest || _context.PullRequestStatus)
            || github.Target is not { } target)
        {
            return null;
        }

        var options = new GitHubReportOptions
        {
            Environment = _context.Environment ?? _context.Namespace,
            CommentOnPr = _context.CommentOnPullRequest,
            DeploymentStatus = false,
            CommitStatus = _context.PullRequestStatus && github.Sha is not null,
        };
        void Warn(string message) => _output.WriteLine(AzureCommands.Warning(masker.Mask(message)));
        return new GitHubReporter(_services.GitHubClient(github.ApiUrl, token), target, options, GitHubRetry.Create(_services.GitHubRetry, _services.Time, Warn), Warn);
    }

    private async Task ReportToPullRequestAsync(DeployOutcome outcome, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (_context.GitHub is { } github && (_context.CommentOnPullRequest || _context.PullRequestStatus))
        {
            await ReportToGitHubAsync(github, outcome, masker, cancellationToken);
            return;
        }

        if (_repos is null || !CanReport())
        {
            return;
        }

        if (_context.CommentOnPullRequest)
        {
            var key = AzureTaskReport.ThreadKey(outcome.Release, outcome.Namespace, _context.Environment);
            var content = AzureTaskReport.ThreadContent(outcome, masker, _context.AzureRepos!.BuildUrl, _context.Environment);
            await TryAsync("update the pull request thread", async () =>
            {
                var (id, created) = await _repos.UpsertThreadAsync(key, content, outcome.Result == DeployResult.Succeeded, cancellationToken);
                _output.WriteLine($"pull request thread {id} {(created ? "created" : "updated")}");
            });
        }

        if (_context.PullRequestStatus)
        {
            await TryAsync("set the pull request status", () => _repos.PostStatusAsync(
                AzureTaskReport.StatusState(outcome),
                AzureTaskReport.StatusName(outcome.Release, _context.Environment),
                masker.Mask(TextReport.Headline(outcome)),
                cancellationToken));
        }
    }

    private bool CanReport()
    {
        if (_context.AzureRepos?.AccessToken is not null)
        {
            return true;
        }

        _output.WriteLine(AzureCommands.Warning(
            "no access token for the pull request: the job has no System.AccessToken; the pull request was not updated."));
        return false;
    }

    private async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is AzureReposException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            _output.WriteLine(AzureCommands.Warning(_masker.Mask($"could not {what}: {e.Message}")));
        }
    }
}
