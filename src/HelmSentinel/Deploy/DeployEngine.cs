using HelmSentinel.Helm;
using HelmSentinel.Migrations;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Deploy;

/// <summary>
/// Sequences one guarded deploy: validate, detect Helm, read the release state (and clear a stale
/// lock), upgrade atomically, then verify that the release really ended where it should: the new
/// revision, or the last good revision's content, or (for a failed first install) nothing at all.
/// Every helm call goes through <see cref="HelmCli"/> (process seam + Polly).
/// </summary>
public sealed class DeployEngine
{
    private readonly IHelmProcess _process;
    private readonly IDeployLog _log;
    private readonly TimeProvider _time;
    private readonly HelmRetryOptions _retry;

    /// <summary>Where <c>helm version</c>'s answer is kept per binary (path, size, modification time), so that a deploy with
    /// a helm it has seen does not run it again; null asks helm every time.</summary>
    public HelmVersionCache? VersionCache { get; init; }

    /// <summary>True to read the release history from helm's release Secrets directly (one API request, where <c>helm
    /// history</c> is a process), asking helm whenever they cannot be read; set it only when helm stores its releases in
    /// Secrets (<c>HELM_DRIVER</c> unset or <c>secret</c>, see <see cref="ReadsSecretStorage"/>).</summary>
    public bool ReadsReleaseSecrets { get; init; }

    /// <summary>True when a helm run with this <c>HELM_DRIVER</c> keeps its releases in Secrets.</summary>
    /// <param name="helmDriver">The value of <c>HELM_DRIVER</c> helm runs with, or null.</param>
    public static bool ReadsSecretStorage(string? helmDriver) => SecretReleaseStore.Serves(helmDriver);

    /// <param name="process">Runs helm (the real binary via CliWrap, or a script in tests).</param>
    /// <param name="log">Receives the live log, already masked.</param>
    /// <param name="time">The clock (stale-lock ages, phase durations, retry back-off).</param>
    /// <param name="retry">How transient helm failures are retried.</param>
    public DeployEngine(IHelmProcess process, IDeployLog log, TimeProvider? time = null, HelmRetryOptions? retry = null)
    {
        _process = process ?? throw new ArgumentNullException(nameof(process));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? TimeProvider.System;
        _retry = retry ?? new HelmRetryOptions();
    }

    /// <summary>Runs the deploy to its end and describes it. Never throws for a failed deploy:
    /// every ending, including bad input and an unreachable cluster, is an outcome.</summary>
    public Task<DeployOutcome> DeployAsync(DeployRequest request, CancellationToken cancellationToken = default) =>
        DeployAsync(request, null, cancellationToken);

    /// <summary>Runs the deploy to its end and describes it, telling the entry point (<paramref name="options"/>) when the
    /// request was accepted. Never throws for a failed deploy.</summary>
    public Task<DeployOutcome> DeployAsync(DeployRequest request, DeployOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Rollback is not null)
        {
            throw new ArgumentException("the request is a rollback (Rollback is set): run it with RollbackAsync", nameof(request));
        }

        return RunAsync(request, options, static async (r, h, o, l, w, retry, ct) =>
        {
            await using var session = new DeploySession(r, h, o, l, w, retry, ct);
            return await session.RunAsync();
        }, cancellationToken);
    }

    /// <summary>Rolls the release back by hand to <see cref="DeployRequest.Rollback"/> (a chosen revision or the last good
    /// one) and verifies it, as a deploy verifies its restore: refused (exit 3, nothing changed) for a revision the history
    /// does not hold, the current revision, a failed target (unless allowed) or a release a live helm holds; with
    /// fail-fast, a target whose pods fail puts back the revision that ran before (exit 2). Never throws for a failed
    /// rollback.</summary>
    public Task<DeployOutcome> RollbackAsync(DeployRequest request, DeployOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Rollback is null)
        {
            throw new ArgumentException("the request is not a rollback: set Rollback (a revision, or null for the last good one)", nameof(request));
        }

        return RunAsync(request, options, static async (r, h, o, l, w, retry, ct) =>
        {
            await using var session = new RollbackSession(r, h, o, l, w, retry, ct);
            return await session.RunAsync();
        }, cancellationToken);
    }

    private async Task<DeployOutcome> RunAsync(DeployRequest request, DeployOptions? options, SessionRun run, CancellationToken cancellationToken)
    {
        options ??= new DeployOptions();
        var outcome = new OutcomeBuilder(request, _time, _log);
        using (outcome.Phase("validate"))
        {
            var errors = DeployRequestValidator.Validate(request);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    _log.Error($"invalid input '{options.InputName(error.Input)}': {error.Message}");
                }

                await ReadHistoryOfRejectedAsync(request, errors, outcome, cancellationToken);
                return outcome.End(new Verdict(DeployResult.Rejected, DeployOutcome.InvalidInput(errors, options.InputName)));
            }
        }

        if (request.Rollback is null && await LintMigrationsAsync(request, options, outcome, cancellationToken) is { } refused)
        {
            return refused;
        }

        options.Accepted?.Invoke(request);

        // The watcher's client set-up and first lists cost about a second; they run while helm is
        // detected and the history read, so a healthy deploy does not wait for them.
        await using var watcher = request.FailFast ? new PendingWatcher(request, outcome.Masker, _time, cancellationToken) : null;
        using var store = ReadsReleaseSecrets ? new SecretReleaseStore() : null;
        var helm = new HelmCli(_process, request.HelmPath, _log, outcome.Masker, HelmCli.Pipeline(_retry, _time, _log, outcome.Masker), VersionCache, store);
        return await run(request, helm, outcome, _log, watcher, _retry, cancellationToken);
    }

    private delegate Task<DeployOutcome> SessionRun(
        DeployRequest request, HelmCli helm, OutcomeBuilder outcome, IDeployLog log, PendingWatcher? watcher, HelmRetryOptions retry, CancellationToken cancellationToken);

    // The destructive-migration lint, before helm runs at all: a base Git does not know is bad input, and under block any
    // finding refuses the deploy as bad input does (nothing changed, the history read for the report).
    private async Task<DeployOutcome?> LintMigrationsAsync(DeployRequest request, DeployOptions options, OutcomeBuilder outcome, CancellationToken cancellationToken)
    {
        if (request.Migrations.Count == 0)
        {
            return null;
        }

        MigrationLintResult? result;
        InputError? error;
        using (outcome.Phase("migration-lint"))
        {
            (result, error) = await MigrationGate.LintAsync(request, cancellationToken);
        }

        if (error is not null || result is null)
        {
            var errors = error is null ? [] : new[] { error };
            foreach (var e in errors)
            {
                _log.Error(outcome.Masker.Mask($"invalid input '{options.InputName(e.Input)}': {e.Message}"));
            }

            await ReadHistoryOfRejectedAsync(request, errors, outcome, cancellationToken);
            return outcome.End(new Verdict(DeployResult.Rejected, DeployOutcome.InvalidInput(errors, options.InputName)));
        }

        outcome.Migrations = result;
        foreach (var problem in result.Problems)
        {
            outcome.Warning("migration lint: " + problem);
        }

        if (result.Files.Count == 0 && result.Base is null)
        {
            outcome.Warning($"migrations: no file matches {string.Join(", ", request.Migrations)}; nothing was linted");
        }

        var n = result.Findings.Count;
        outcome.Mark($"migration lint: {n} destructive statement{(n == 1 ? "" : "s")} in {result.Files.Count} file{(result.Files.Count == 1 ? "" : "s")}");
        if (n == 0)
        {
            return null;
        }

        if (request.DestructiveMigrations is DestructiveMigrationPolicy.Warn)
        {
            foreach (var finding in result.Findings)
            {
                outcome.Warning($"destructive migration {finding}");
            }

            return null;
        }

        foreach (var finding in result.Findings)
        {
            _log.Error(outcome.Masker.Mask($"destructive migration {finding}"));
        }

        await ReadHistoryOfRejectedAsync(request, [], outcome, cancellationToken);
        return outcome.End(new Verdict(DeployResult.Rejected, MigrationGate.Refusal(result)));
    }

    // A rejected request changes nothing, but its report should still show the release as it is (a report saying "no
    // revisions" about a release with four reads, at 2 a.m., as "the release is gone"). One read-only helm history,
    // without retries, when the inputs that name the release and reach the cluster are valid; any failure is ignored.
    private async Task ReadHistoryOfRejectedAsync(DeployRequest request, IReadOnlyList<InputError> errors, OutcomeBuilder outcome, CancellationToken cancellationToken)
    {
        string[] reach = [DeployInputNames.Release, DeployInputNames.Namespace, DeployInputNames.Helm, DeployInputNames.Kubeconfig, DeployInputNames.KubeContext];
        if (errors.Any(e => reach.Contains(e.Input)))
        {
            return;
        }

        try
        {
            var helm = new HelmCli(_process, request.HelmPath, _log, outcome.Masker, HelmRetry.Create(new HelmRetryOptions { MaxRetries = 0 }, _time));
            var history = await helm.HistoryAsync(request.Target, cancellationToken);
            outcome.History = history;
            outcome.PreviousRevision = history.LastGood?.Revision;
            outcome.Before = history.Deployed is { } deployed ? new ChartSnapshot(deployed.Chart, deployed.AppVersion) : null;
        }
        catch (Exception e) when (e is HelmCommandException or HelmNotFoundException or FormatException or InvalidOperationException or OperationCanceledException)
        {
            // Unreachable or no helm: the rejection says what is wrong with the input; the history is a courtesy.
        }
    }
}
