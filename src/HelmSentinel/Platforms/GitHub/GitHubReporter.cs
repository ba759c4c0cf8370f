using System.Collections.ObjectModel;
using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Text;
using Octokit.Internal;
using Octokit;
using Polly;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// Tells GitHub about one deploy: a Deployment with its statuses, the pull request comment (created once,
/// then updated in place), and optionally a commit status. Every call goes through <see cref="GitHubRetry"/>;
/// a call that still fails becomes a warning. Nothing here changes the deploy's result or exit code.
/// </summary>
public sealed class GitHubReporter
{
    /// <summary>Longest description GitHub accepts on deployment and commit statuses.</summary>
    public const int MaxStatusDescription = 140;

    private readonly IGitHubClient _client;
    private readonly GitHubTarget _target;
    private readonly GitHubReportOptions _options;
    private readonly ResiliencePipeline _retry;
    private readonly Action<string> _warn;
    private long? _deploymentId;

    /// <param name="client">An authenticated client (see <see cref="CreateClient"/>).</param>
    /// <param name="target">The repository, commit and pull request to report to.</param>
    /// <param name="options">What to report, and under which environment.</param>
    /// <param name="retry">The pipeline from <see cref="GitHubRetry.Create"/>.</param>
    /// <param name="warn">Receives a line for each report that could not be made (the caller masks and prints it).</param>
    public GitHubReporter(IGitHubClient client, GitHubTarget target, GitHubReportOptions options, ResiliencePipeline retry, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(target.Owner, nameof(target));
        ArgumentException.ThrowIfNullOrWhiteSpace(target.Repository, nameof(target));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _target = target;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _retry = retry ?? throw new ArgumentNullException(nameof(retry));
        _warn = warn ?? throw new ArgumentNullException(nameof(warn));
    }

    /// <summary>
    /// A client for <paramref name="apiUrl"/> used as given (<c>GITHUB_API_URL</c>: https://api.github.com,
    /// https://HOST/api/v3 on GitHub Enterprise Server, or a data-residency host), authenticated with <paramref name="token"/>.
    /// </summary>
    public static IGitHubClient CreateClient(Uri apiUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        var connection = new Connection(
            new ProductHeaderValue("helm-sentinel"),
            new Uri(apiUrl.AbsoluteUri.TrimEnd('/') + "/"),
            new InMemoryCredentialStore(new Credentials(token)));
        return new GitHubClient(connection);
    }

    /// <summary>The deployment state for a result: success, failure (restored or refused), error (not restored, or unreachable).</summary>
    public static DeploymentState DeploymentStateFor(DeployResult result) => result switch
    {
        DeployResult.Succeeded => DeploymentState.Success,
        DeployResult.RolledBack or DeployResult.Rejected => DeploymentState.Failure,
        _ => DeploymentState.Error,
    };

    /// <summary>The commit status state for a result, following <see cref="DeploymentStateFor"/>.</summary>
    public static CommitState CommitStateFor(DeployResult result) => result switch
    {
        DeployResult.Succeeded => CommitState.Success,
        DeployResult.RolledBack or DeployResult.Rejected => CommitState.Failure,
        _ => CommitState.Error,
    };

    /// <summary>The commit status context: <c>helm-sentinel/&lt;environment&gt;</c>.</summary>
    public string StatusContext => "helm-sentinel/" + _options.Environment;

    /// <summary>Before the deploy: creates the Deployment with status <c>in_progress</c>, and a pending commit status.</summary>
    public Task StartAsync(DeployRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StartAsync(request.Release, request.Namespace, cancellationToken);
    }

    /// <summary>Before the deploy of <paramref name="release"/> to <paramref name="namespace"/>: the Deployment
    /// (<c>in_progress</c>) and the pending commit status, as far as the options ask for them.</summary>
    public async Task StartAsync(string release, string @namespace, CancellationToken cancellationToken = default)
    {
        var request = (Release: release, Namespace: @namespace);
        var (owner, repo) = (_target.Owner, _target.Repository);
        if (_target.Sha is not { } sha)
        {
            _warn("GitHub: the commit (GITHUB_SHA) is not known; no deployment or commit status is reported.");
            return;
        }

        if (_options.DeploymentStatus)
        {
            var deployment = await TryAsync("create the deployment", () => _client.Repository.Deployment.Create(owner, repo, new NewDeployment(sha)
            {
                Environment = _options.Environment,
                Task = "deploy",
                AutoMerge = false,
                RequiredContexts = new Collection<string>(),
                TransientEnvironment = _options.TransientEnvironment,
                ProductionEnvironment = _options.ProductionEnvironment,
                Description = Describe($"helm-sentinel: {request.Release} to namespace {request.Namespace}"),
            }), cancellationToken);
            _deploymentId = deployment?.Id;
            if (_deploymentId is { } id)
            {
                await TryAsync("set the deployment in progress", () => _client.Repository.Deployment.Status.Create(owner, repo, id,
                    Status(DeploymentState.InProgress, $"deploying {request.Release}")), cancellationToken);
            }
        }

        if (_options.CommitStatus)
        {
            await TryAsync("set the commit status", () => _client.Repository.Status.Create(owner, repo, sha, new NewCommitStatus
            {
                State = CommitState.Pending,
                Context = StatusContext,
                Description = Describe($"deploying {request.Release}"),
                TargetUrl = _target.RunUrl?.AbsoluteUri,
            }), cancellationToken);
        }
    }

    /// <summary>After the deploy: the deployment's final status, the pull request comment and the commit status.</summary>
    public async Task FinishAsync(DeployOutcome outcome, string markdownReport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(markdownReport);
        var (owner, repo) = (_target.Owner, _target.Repository);
        var headline = Describe(TextReport.Headline(outcome));
        if (_deploymentId is { } id)
        {
            await TryAsync("set the deployment status", () => _client.Repository.Deployment.Status.Create(owner, repo, id,
                Status(DeploymentStateFor(outcome.Result), headline)), cancellationToken);
        }

        if (_options.CommentOnPr)
        {
            await CommentAsync(outcome, markdownReport, cancellationToken);
        }

        if (_options.CommitStatus && _target.Sha is { } sha)
        {
            await TryAsync("set the commit status", () => _client.Repository.Status.Create(owner, repo, sha, new NewCommitStatus
            {
                State = CommitStateFor(outcome.Result),
                Context = StatusContext,
                Description = headline,
                TargetUrl = _target.RunUrl?.AbsoluteUri,
            }), cancellationToken);
        }
    }

    /// <summary>
    /// <c>mode: plan</c>: the plan into the pull request comment the deploys of this release and environment update (created
    /// once, then updated in place; a later deploy replaces it with its outcome).
    /// </summary>
    public Task CommentPlanAsync(DeployPlan plan, string markdownPlan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(markdownPlan);
        return _options.CommentOnPr ? CommentAsync(plan.Release, markdownPlan, cancellationToken) : Task.CompletedTask;
    }

    private Task CommentAsync(DeployOutcome outcome, string markdownReport, CancellationToken cancellationToken) =>
        CommentAsync(outcome.Release, markdownReport, cancellationToken);

    private async Task CommentAsync(string release, string markdownReport, CancellationToken cancellationToken)
    {
        var (owner, repo) = (_target.Owner, _target.Repository);
        IReadOnlyList<int> pulls = _target.PullRequest is { } number ? [number] : [];
        if (pulls.Count == 0 && _target.EventName == "push" && _target.Sha is { } sha)
        {
            var found = await TryAsync("find the pull requests of the commit", () => _client.Repository.Commit.PullRequests(owner, repo, sha), cancellationToken);
            pulls = found?.Where(p => p.State.StringValue == "open").Select(p => p.Number).Distinct().ToList() ?? [];
        }

        var marker = PullRequestComment.Marker(release, _options.Environment);
        var body = PullRequestComment.Body(marker, markdownReport, _target.RunUrl);
        foreach (var pull in pulls)
        {
            // Reading and writing are one attempt: a create that GitHub stored but answered too late (a timeout, a 502) is
            // found by its marker when the attempt is retried, and updated instead of being created twice.
            var step = "";
            await TryAsync(() => step, async () =>
            {
                step = $"read the comments of pull request #{pull}";
                var comments = await _client.Issue.Comment.GetAllForIssue(owner, repo, pull);
                if (comments.FirstOrDefault(c => PullRequestComment.IsFor(c.Body, marker)) is { } existing)
                {
                    step = $"update the comment on pull request #{pull}";
                    return await _client.Issue.Comment.Update(owner, repo, existing.Id, body);
                }

                step = $"comment on pull request #{pull}";
                return await _client.Issue.Comment.Create(owner, repo, pull, body);
            }, cancellationToken);
        }
    }

    private NewDeploymentStatus Status(DeploymentState state, string description) => new(state)
    {
        LogUrl = _target.RunUrl?.AbsoluteUri,
        EnvironmentUrl = _options.EnvironmentUrl,
        Environment = _options.Environment,
        Description = Describe(description),
    };

    private static string Describe(string text) => TextFormat.Cut(TextFormat.OneLine(text), MaxStatusDescription, "...");

    // Any failure, not only API errors: a report that cannot be made must never end the step.
    private Task<T?> TryAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : class => TryAsync(() => what, call, cancellationToken);

    // what: the step under way when it failed, asked only then (an attempt of several steps names the one that failed).
    private async Task<T?> TryAsync<T>(Func<string> what, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await _retry.ExecuteAsync(async _ => await call(), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            _warn($"GitHub: could not {what()}: {Reason(e)}. The deploy's result is unchanged.");
            return null;
        }
    }

    private static string Reason(Exception e) => e switch
    {
        ApiException { StatusCode: System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound } api =>
            $"{(int)api.StatusCode} {TextFormat.OneLine(api.Message)} (does the token have the permissions the README lists?)",
        ApiException api when api.StatusCode != 0 => $"{(int)api.StatusCode} {TextFormat.OneLine(api.Message)}",
        _ => TextFormat.OneLine(e.Message),
    };
}
