using System.Text.RegularExpressions;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// Sequences one guarded deploy: validate, detect Helm, read the release state (and clear a stale
/// lock), upgrade atomically, then verify that the release really ended where it should: the new
/// revision, or the last good revision's content, or (for a failed first install) nothing at all.
/// Every helm call goes through <see cref="HelmCli"/> (process seam + Polly).
/// </summary>
public sealed partial class DeployEngine
{
    private readonly IHelmProcess _process;
    private readonly IDeployLog _log;
    private readonly TimeProvider _time;
    private readonly HelmRetryOptions _retry;

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
    public async Task<DeployOutcome> DeployAsync(DeployRequest request, DeployOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new DeployOptions();
        var run = new Run(request, _time, _log);
        var helm = new HelmCli(_process, request.HelmPath, _log, run.Masker, HelmCli.Pipeline(_retry, _time, _log, run.Masker));

        using (run.Phase("validate"))
        {
            var errors = DeployRequestValidator.Validate(request);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    _log.Warning($"invalid input '{options.InputName(error.Input)}': {error.Message}");
                }

                return run.End(DeployResult.Rejected, DeployOutcome.InvalidInput(errors, options.InputName));
            }
        }

        options.Accepted?.Invoke(request);

        // The watcher's client set-up and first lists cost about a second; they run while helm is
        // detected and the history read, so a healthy deploy does not wait for them.
        await using var watcher = request.FailFast ? new PendingWatcher(request, run, cancellationToken) : null;
        return await DeployValidatedAsync(request, run, helm, watcher, cancellationToken);
    }

    private async Task<DeployOutcome> DeployValidatedAsync(
        DeployRequest request, Run run, HelmCli helm, PendingWatcher? pending, CancellationToken cancellationToken)
    {
        HelmVersion version;
        using (run.Phase("detect-helm"))
        {
            try
            {
                version = await helm.VersionAsync(cancellationToken);
            }
            catch (Exception e) when (e is HelmNotFoundException or FormatException)
            {
                return run.End(DeployResult.Unreachable, e.Message);
            }

            run.HelmVersion = version.Text;
            if (!version.IsSupported)
            {
                return run.End(DeployResult.Unreachable, new UnsupportedHelmVersionException(version).Message);
            }

            _log.Info($"helm {version.Text} (Helm {version.Major} dialect)");
        }

        ReleaseHistory history;
        using (run.Phase("read-history"))
        {
            var read = await TryReadHistoryAsync(helm, request, run, cancellationToken);
            if (read is null)
            {
                return run.End(DeployResult.Unreachable, run.LastError ?? "cannot read the release history");
            }

            history = read;
            run.History = history;
        }

        var lockDecision = StaleLockPolicy.Decide(history, _time.GetUtcNow(), request.Timeout, request.StaleLockMargin, request.RecoverStaleLock);
        if (lockDecision.Action != LockAction.None)
        {
            using (run.Phase("recover-lock"))
            {
                var recovered = await RecoverLockAsync(helm, request, version, lockDecision, run, cancellationToken);
                if (recovered is null)
                {
                    return run.Final!;
                }

                history = recovered;
                run.History = history;
            }
        }

        if (history.OnlyFailed)
        {
            // A failed first install without atomic leaves only failed revisions; an atomic upgrade over
            // it would find nothing to roll back to. Start clean, as Flux's install remediation does.
            using (run.Phase("clean-failed-install"))
            {
                run.Action($"release has only failed revisions (latest {history.Latest!.Revision}); uninstalled it so the install starts clean");
                var removed = await helm.RunMutatingAsync(HelmArguments.Uninstall(request.Target, version, keepHistory: false, request.EffectiveRollbackTimeout), CancellationToken.None);
                if (!removed.Succeeded)
                {
                    return run.End(DeployResult.RollbackFailed, "could not remove the failed release: " + run.Masker.Mask(removed.ErrorText), removed);
                }

                history = await TryReadHistoryAsync(helm, request, run, CancellationToken.None) ?? ReleaseHistory.Empty;
                run.History = history;
            }
        }

        var lastGood = history.LastGood;
        var firstInstall = history.IsFirstInstall;
        var previousLatest = history.Latest?.Revision ?? 0;
        run.FirstInstall = firstInstall;
        run.PreviousRevision = lastGood?.Revision;
        run.Before = lastGood is null || firstInstall ? null : new ChartSnapshot(lastGood.Chart, lastGood.AppVersion);
        WarnAboutHistoryReach(request, history, run);

        HelmProcessResult upgrade;
        using (_log.Group(firstInstall ? $"helm install {request.Release}" : $"helm upgrade {request.Release}"))
        using (run.Phase("upgrade"))
        {
            upgrade = await UpgradeAsync(helm, request, version, firstInstall, run, pending, cancellationToken);
        }

        ReleaseHistory after;
        using (run.Phase("verify"))
        {
            var read = await TryReadHistoryAsync(helm, request, run, CancellationToken.None);
            if (read is null)
            {
                return run.End(
                    upgrade.Succeeded ? DeployResult.Unreachable : DeployResult.RollbackFailed,
                    "the upgrade " + (upgrade.Succeeded ? "reported success" : "failed") + " but the history cannot be read: " + run.LastError,
                    upgrade);
            }

            after = read;
            run.History = after;
        }

        var created = after.Entries.Where(e => e.Revision > previousLatest).Select(e => e.Revision).ToList();
        run.AttemptedRevision = created.Count > 0 ? created.Min() : null;

        if (upgrade.Succeeded)
        {
            var deployed = after.Deployed;
            run.CurrentRevision = deployed?.Revision;
            run.AttemptedRevision ??= deployed?.Revision;
            run.After = deployed is null ? null : new ChartSnapshot(deployed.Chart, deployed.AppVersion);
            run.Mark($"deployed at revision {deployed?.Revision}");
            return run.End(DeployResult.Succeeded, null);
        }

        var errorClass = HelmErrorClassifier.Classify(upgrade.StandardError);
        var reason = upgrade.Cancelled && cancellationToken.IsCancellationRequested
            ? "the deploy was cancelled while helm was upgrading"
            : DescribeFailure(upgrade, run);
        if (run.Diagnosis is { } diagnosis)
        {
            reason = diagnosis.Fatal ? Explain(diagnosis) : $"{reason} ({Explain(diagnosis)})";
        }

        if (created.Count == 0 && SameLatest(history, after) && errorClass is not HelmErrorClass.Uninstalled)
        {
            // Nothing was written: helm stopped before creating a revision (render, schema, lock, or an unreachable cluster).
            var result = HelmRetry.IsTransientFailure(upgrade) ? DeployResult.Unreachable : DeployResult.Rejected;
            run.CurrentRevision = after.Deployed?.Revision;
            run.After = run.Before;
            return run.End(result, reason + " (nothing was changed)", upgrade);
        }

        using (run.Phase("rollback"))
        {
            return firstInstall
                ? await EnsureUninstalledAsync(helm, request, version, after, reason, upgrade, run)
                : await EnsureRestoredAsync(helm, request, version, lastGood, after, reason, upgrade, run);
        }
    }

    /// <summary>Runs <c>helm upgrade --install</c>; with fail-fast, a rollout watcher runs beside it and a fatal
    /// pod state interrupts helm (SIGINT: both majors then mark the revision failed and roll back by themselves,
    /// see Kubernetes/SIGNALS.md). The verify step that follows makes sure of the end state either way.</summary>
    private async Task<HelmProcessResult> UpgradeAsync(
        HelmCli helm, DeployRequest request, HelmVersion version, bool firstInstall, Run run, PendingWatcher? pending, CancellationToken cancellationToken)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.Mark(firstInstall ? "install started" : "upgrade started");
        var startedAt = run.Time.GetUtcNow();
        var running = helm.RunMutatingAsync(HelmArguments.Upgrade(request.ToHelmUpgrade(), version), interrupt.Token);

        // Helm starts at once; the watcher joins as soon as its first lists are in (see RolloutWatcher.UpgradeStarted).
        // A helm that succeeds before then does not wait for it; one that fails does, for the diagnosis.
        RolloutWatcher? watcher = null;
        if (pending is not null && (await Task.WhenAny(running, pending.Start) == pending.Start || !(await running).Succeeded))
        {
            var start = await pending.Start;
            if (start.Error is { } cannotStart)
            {
                run.Warning(cannotStart);
            }

            watcher = start.Watcher;
            watcher?.UpgradeStarted(startedAt);
        }

        if (watcher is not null && await Task.WhenAny(running, watcher.Fatal) != running && watcher.Fatal.IsCompletedSuccessfully)
        {
            var diagnosis = await watcher.Fatal;
            run.Diagnosis = diagnosis;
            run.Mark("first fatal state: " + diagnosis.Summary);
            _log.Warning($"fail-fast: {run.Masker.Mask(diagnosis.Summary)}; interrupting helm so that the release returns to its last good revision now");
            await interrupt.CancelAsync();

            // SIGINT makes both majors mark the revision failed and start their atomic rollback at once (SIGNALS.md).
            run.Mark("rollback started: helm interrupted, its atomic rollback runs");
        }

        var upgrade = await running;
        if (upgrade.Succeeded)
        {
            run.Diagnosis = null; // helm finished first: whatever the watcher saw last did not stop the rollout
        }

        run.Mark(upgrade.Cancelled ? (run.Diagnosis is { Fatal: true } ? "helm exited after its own rollback" : "helm interrupted")
            : upgrade.Succeeded ? "helm reported success" : "helm reported failure");
        if (watcher is not null)
        {
            if (!upgrade.Succeeded && run.Diagnosis is null)
            {
                run.Diagnosis = await watcher.DiagnoseAsync(CancellationToken.None);
            }

            await watcher.DisposeAsync();
            foreach (var warning in watcher.Warnings)
            {
                run.Warning(warning);
            }
        }

        return upgrade;
    }

    /// <summary>Starts the watcher; a watcher that cannot start is not an error (the deploy goes on as plain Helm),
    /// so the failure comes back as text for the run's warnings, which only the deploy's own thread writes.</summary>
    private static async Task<WatcherStart> StartWatcherAsync(DeployRequest request, Run run, CancellationToken cancellationToken)
    {
        try
        {
            return new WatcherStart(
                await RolloutWatcher.StartAsync(
                    new RolloutWatcherOptions
                    {
                        Release = request.Release,
                        Namespace = request.Namespace,
                        Kubeconfig = request.Kubeconfig,
                        KubeContext = request.KubeContext,
                        Rules = new FailFastOptions { RestartThreshold = request.RestartThreshold, UnschedulableGrace = request.UnschedulableGrace },
                        Mask = run.Masker.Mask,
                        Time = run.Time,
                    },
                    TimeSpan.FromSeconds(5),
                    cancellationToken),
                null);
        }
        catch (OperationCanceledException)
        {
            return new WatcherStart(null, null);
        }
        catch (Exception e)
        {
            return new WatcherStart(null, "fail-fast is off for this deploy: the rollout watcher cannot start: " + e.Message);
        }
    }

    private sealed record WatcherStart(RolloutWatcher? Watcher, string? Error);

    /// <summary>A watcher being started beside the deploy's first helm calls; disposing it cancels a start still
    /// under way and stops the watcher, so that no watch outlives the deploy whichever way it ends.</summary>
    private sealed class PendingWatcher : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel;

        public PendingWatcher(DeployRequest request, Run run, CancellationToken cancellationToken)
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = _cancel.Token;

            // Task.Run: the client's set-up is synchronous CPU work that must not delay the helm calls.
            Start = Task.Run(() => StartWatcherAsync(request, run, token), CancellationToken.None);
        }

        public Task<WatcherStart> Start { get; }

        public async ValueTask DisposeAsync()
        {
            await _cancel.CancelAsync();
            if ((await Start).Watcher is { } watcher)
            {
                await watcher.DisposeAsync();
            }

            _cancel.Dispose();
        }
    }

    private static string Explain(RolloutDiagnosis diagnosis)
    {
        var lastLine = diagnosis.Pods.FirstOrDefault()?.LastLogLines.LastOrDefault();
        return lastLine is null ? diagnosis.Summary : $"{diagnosis.Summary}; last log line: {lastLine.Trim()}";
    }

    private async Task<DeployOutcome> EnsureUninstalledAsync(
        HelmCli helm, DeployRequest request, HelmVersion version, ReleaseHistory after, string reason, HelmProcessResult upgrade, Run run)
    {
        if (after.IsFirstInstall)
        {
            run.Mark("failed install removed");
            run.Uninstalled = true;
            run.Action("the failed first install was removed by Helm; nothing of it is left in the cluster");
            return run.End(DeployResult.RolledBack, reason, upgrade);
        }

        run.Action($"Helm left the failed first install as revision {after.Latest!.Revision} ({after.Latest.Status}); uninstalling it");
        var removed = await helm.RunMutatingAsync(HelmArguments.Uninstall(request.Target, version, keepHistory: false, request.EffectiveRollbackTimeout), CancellationToken.None);
        var final = await TryReadHistoryAsync(helm, request, run, CancellationToken.None);
        if (final is not null)
        {
            run.History = final;
        }

        if (removed.Succeeded && final is { IsFirstInstall: true })
        {
            run.Mark("failed install removed");
            run.Uninstalled = true;
            return run.End(DeployResult.RolledBack, reason, upgrade);
        }

        return run.End(DeployResult.RollbackFailed, reason + "; removing the failed install also failed: " + run.Masker.Mask(removed.ErrorText), upgrade);
    }

    private async Task<DeployOutcome> EnsureRestoredAsync(
        HelmCli helm, DeployRequest request, HelmVersion version, HistoryEntry? lastGood, ReleaseHistory after, string reason, HelmProcessResult upgrade, Run run)
    {
        if (lastGood is null)
        {
            return run.End(DeployResult.RollbackFailed, reason + "; the history holds no good revision to return to", upgrade);
        }

        if (IsRestored(after, lastGood))
        {
            run.RestoredRevision = after.Latest!.Revision;
            run.CurrentRevision = after.Latest.Revision;
            run.After = new ChartSnapshot(after.Latest.Chart, after.Latest.AppVersion);
            run.Action($"Helm rolled back to revision {lastGood.Revision} as revision {after.Latest.Revision}");
            run.Mark($"restored revision {lastGood.Revision} as revision {after.Latest.Revision}");
            return run.End(DeployResult.RolledBack, reason, upgrade);
        }

        var latest = after.Latest!;
        run.Action(
            $"Helm's own rollback did not leave revision {lastGood.Revision} deployed (latest is revision {latest.Revision}, {latest.Status}); " +
            $"rolling back explicitly with its own timeout of {GoDuration.Format(request.EffectiveRollbackTimeout)}");
        HelmProcessResult rollback;
        run.Mark($"explicit rollback to revision {lastGood.Revision} started");
        using (_log.Group($"helm rollback {request.Release} {lastGood.Revision}"))
        {
            rollback = await helm.RunMutatingAsync(
                HelmArguments.Rollback(request.ToHelmUpgrade(), version, lastGood.Revision, request.EffectiveRollbackTimeout), CancellationToken.None);
        }

        var final = await TryReadHistoryAsync(helm, request, run, CancellationToken.None);
        if (final is not null)
        {
            run.History = final;
        }

        if (rollback.Succeeded && final is not null && IsRestored(final, lastGood))
        {
            run.RestoredRevision = final.Latest!.Revision;
            run.CurrentRevision = final.Latest.Revision;
            run.After = new ChartSnapshot(final.Latest.Chart, final.Latest.AppVersion);
            run.Mark($"restored revision {lastGood.Revision} as revision {final.Latest.Revision}");
            return run.End(DeployResult.RolledBack, reason, upgrade);
        }

        run.CurrentRevision = final?.Deployed?.Revision;
        var why = rollback.Succeeded ? "the rollback reported success but the release is not deployed at the restored content" : run.Masker.Mask(rollback.ErrorText);
        return run.End(DeployResult.RollbackFailed, $"{reason}; the rollback to revision {lastGood.Revision} failed: {why}", upgrade);
    }

    private async Task<ReleaseHistory?> RecoverLockAsync(
        HelmCli helm, DeployRequest request, HelmVersion version, LockDecision decision, Run run, CancellationToken cancellationToken)
    {
        switch (decision.Action)
        {
            case LockAction.RollbackToLastGood:
            {
                run.Action("stale lock: " + decision.Explanation);
                var rollback = await helm.RunMutatingAsync(
                    HelmArguments.Rollback(request.ToHelmUpgrade(), version, decision.TargetRevision!.Value, request.EffectiveRollbackTimeout), cancellationToken);
                if (!rollback.Succeeded)
                {
                    run.End(DeployResult.RollbackFailed, "could not clear the stale lock: " + run.Masker.Mask(rollback.ErrorText), rollback);
                    return null;
                }

                break;
            }

            case LockAction.UninstallKeepHistory:
            {
                run.Action("stale lock: " + decision.Explanation);
                var uninstall = await helm.RunMutatingAsync(
                    HelmArguments.Uninstall(request.Target, version, keepHistory: true, request.EffectiveRollbackTimeout), cancellationToken);
                if (!uninstall.Succeeded)
                {
                    run.End(DeployResult.RollbackFailed, "could not clear the stale lock: " + run.Masker.Mask(uninstall.ErrorText), uninstall);
                    return null;
                }

                break;
            }

            case LockAction.FailInProgress:
                run.End(DeployResult.Rejected, "another deploy seems to be in progress: " + decision.Explanation);
                return null;
            case LockAction.FailNoRecovery:
                run.End(DeployResult.Rejected, decision.Explanation + " (recover-stale-lock is off, so nothing was done)");
                return null;
            default:
                run.End(DeployResult.Rejected, decision.Explanation);
                return null;
        }

        var history = await TryReadHistoryAsync(helm, request, run, cancellationToken);
        if (history is null)
        {
            run.End(DeployResult.Unreachable, "the lock was cleared but the history cannot be read: " + run.LastError);
        }

        return history;
    }

    private static async Task<ReleaseHistory?> TryReadHistoryAsync(HelmCli helm, DeployRequest request, Run run, CancellationToken cancellationToken)
    {
        try
        {
            return await helm.HistoryAsync(request.Target, cancellationToken);
        }
        catch (HelmCommandException e)
        {
            run.LastError = e.Message;
            return null;
        }
        catch (FormatException e)
        {
            run.LastError = "helm history printed something that is not its JSON: " + e.Message;
            return null;
        }
    }

    // Restored = the newest revision is deployed and is a rollback to the last good one (Helm's atomic
    // rollback and ours both write "Rollback to N").
    private static bool IsRestored(ReleaseHistory history, HistoryEntry lastGood) =>
        history.Latest is { Status: ReleaseStatus.Deployed } latest &&
        latest.Revision > lastGood.Revision &&
        latest.Description.StartsWith($"Rollback to {lastGood.Revision}", StringComparison.Ordinal);

    private static bool SameLatest(ReleaseHistory before, ReleaseHistory after) =>
        before.Latest?.Revision == after.Latest?.Revision && before.Latest?.Status == after.Latest?.Status;

    private static string DescribeFailure(HelmProcessResult upgrade, Run run)
    {
        if (upgrade.Cancelled)
        {
            return "the upgrade was interrupted";
        }

        var text = FailureCause().Replace(run.Masker.Mask(upgrade.ErrorText), "");
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var first = (newline < 0 ? text : text[..newline]).Trim();
        return first.Length == 0 ? $"helm exited with code {upgrade.ExitCode}" : first;
    }

    // Helm wraps the cause in sentences the outcome already says (failed, rolled back, uninstalled):
    // "UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: <cause>".
    [GeneratedRegex(
        @"^(?:(?:UPGRADE|INSTALLATION) FAILED: )?(?:release \S+ failed, and has been (?:rolled back|uninstalled) due to (?:atomic|rollback-on-failure) being set: |an error occurred while (?:rolling back|uninstalling) the release\. original (?:upgrade|install) error: )?",
        RegexOptions.IgnoreCase)]
    private static partial Regex FailureCause();

    private static void WarnAboutHistoryReach(DeployRequest request, ReleaseHistory history, Run run)
    {
        if (history.IsFirstInstall)
        {
            return;
        }

        var lastGood = history.LastGood;
        if (lastGood is null)
        {
            run.Warning("the release history holds no good (deployed or superseded) revision: a failed upgrade has nothing to return to");
            return;
        }

        // The upgrade adds one revision and a rollback another; Helm prunes the oldest beyond history-max.
        var latest = history.Latest!.Revision;
        if (request.HistoryMax > 0 && latest + 2 - lastGood.Revision >= request.HistoryMax)
        {
            run.Warning(
                $"the last good revision {lastGood.Revision} is {latest - lastGood.Revision} revision(s) behind the latest ({latest}); " +
                $"with history-max {request.HistoryMax} a failed upgrade and its rollback would bring it to the edge of the kept history");
        }
    }

    /// <summary>The mutable notes of one run, turned into the immutable outcome at the end.</summary>
    private sealed class Run(DeployRequest request, TimeProvider time, IDeployLog log)
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();
        private readonly List<PhaseTiming> _phases = [];
        private readonly List<string> _actions = [];
        private readonly List<string> _warnings = [];
        private readonly List<TimelineEvent> _timeline = [];

        public SecretMasker Masker { get; } = new(request.Secrets);

        public TimeProvider Time => time;

        public RolloutDiagnosis? Diagnosis { get; set; }

        public string? HelmVersion { get; set; }

        public ReleaseHistory History { get; set; } = ReleaseHistory.Empty;

        public bool FirstInstall { get; set; }

        public bool Uninstalled { get; set; }

        public int? PreviousRevision { get; set; }

        public int? AttemptedRevision { get; set; }

        public int? RestoredRevision { get; set; }

        public int? CurrentRevision { get; set; }

        public ChartSnapshot? Before { get; set; }

        public ChartSnapshot? After { get; set; }

        public string? LastError { get; set; }

        public DeployOutcome? Final { get; private set; }

        public void Action(string text)
        {
            var masked = Masker.Mask(text);
            _actions.Add(masked);
            log.Info(masked);
        }

        public void Warning(string text)
        {
            var masked = Masker.Mask(text);
            _warnings.Add(masked);
            log.Warning(masked);
        }

        public IDisposable Phase(string name) => new PhaseScope(this, name, time.GetUtcNow());

        public void Mark(string what) => _timeline.Add(new TimelineEvent(time.GetUtcNow(), Masker.Mask(what)));

        public DeployOutcome End(DeployResult result, string? reason, HelmProcessResult? helmResult = null)
        {
            Final = new DeployOutcome
            {
                Result = result,
                Release = request.Release,
                Namespace = request.Namespace,
                ChartReference = request.Chart,
                HelmVersion = HelmVersion,
                FirstInstall = FirstInstall,
                Before = Before,
                After = After,
                PreviousRevision = PreviousRevision,
                AttemptedRevision = AttemptedRevision,
                RestoredRevision = RestoredRevision,
                CurrentRevision = CurrentRevision,
                Uninstalled = Uninstalled,
                FailureReason = reason is null ? null : Masker.Mask(reason),
                HelmError = helmResult is { Succeeded: false } ? Masker.Mask(helmResult.StandardError.Trim()) : null,
                Diagnosis = Diagnosis,
                Actions = [.. _actions],
                Warnings = [.. _warnings],
                Phases = [.. _phases],
                Timeline = [.. _timeline],
                History = History.Entries,
                Duration = time.GetUtcNow() - _start,
            };
            return Final;
        }

        private sealed class PhaseScope(Run run, string name, DateTimeOffset started) : IDisposable
        {
            public void Dispose() => run._phases.Add(new PhaseTiming(name, started, run.Elapsed(started)));
        }

        private TimeSpan Elapsed(DateTimeOffset started) => time.GetUtcNow() - started;
    }
}
