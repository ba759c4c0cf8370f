using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;
using HelmSentinel.Verify;

namespace HelmSentinel.Deploy;

/// <summary>
/// One validated deploy, as its phases: detect helm, read the history, clear a stale lock, clean a failed first
/// install, replace pods an earlier failure left stuck, upgrade (with the watcher and the forced rollback), verify, and
/// restore. Each phase returns what the next continues with, or the verdict the deploy ended with; every verdict gets
/// the same clean-up (the watchers stopped) before it becomes the outcome.
/// </summary>
internal sealed class DeploySession(
    DeployRequest request, HelmCli helm, OutcomeBuilder outcome, IDeployLog log, PendingWatcher? pending, HelmRetryOptions retry, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    private readonly HelmUpgrade _upgrade = request.ToHelmUpgrade();
    private readonly ExternalConfigPhase _external = new(request, helm, outcome, log, cancellationToken);
    private HelmVersion _version = null!;

    // The fail-fast watcher once it has joined the upgrade; it stays until the deploy ends, because the forced rollback of
    // an explicit rollback needs what it saw. A watcher started only to replace stuck pods is stopped after that.
    private RolloutWatcher? _watcher;

    // How far the watcher's streams may lag behind helm's own wait, for the start-up times of the advice.
    private static readonly TimeSpan WatcherCatchUp = TimeSpan.FromSeconds(2);
    private PendingWatcher? _standalone;

    // False when on-failure-after-migration: stop runs the upgrade without --atomic (MigrationGuard.KeepsHelmFromRollingBack).
    private bool _helmRollsBack = true;

    // The hooks of the revision this deploy created, once the failure path has read them (helm get hooks).
    private IReadOnlyList<HookResource>? _attemptedHooks;

    public async Task<DeployOutcome> RunAsync()
    {
        var verdict = await RunPhasesAsync();
        await StopWatcherAsync();
        return outcome.End(verdict);
    }

    public ValueTask DisposeAsync() => new(StopWatcherAsync());

    private async Task<Verdict> RunPhasesAsync()
    {
        // helm history takes the same flags in both dialects: it runs while helm version does, so the two cost one wait. On
        // the thread pool: a read from the release Secrets first sets up its client (tens of milliseconds of CPU), which must
        // not hold back the preflight's dry run, the longest of the three.
        var detecting = DetectHelmAsync();
        var firstRead = Task.Run(() => TryReadHistoryAsync(cancellationToken), CancellationToken.None);
        if ((await detecting).Ended(out var ended, out _version))
        {
            await firstRead.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed: its answer no longer matters
            return ended;
        }

        // The preflight's dry run and cluster connection need only the version: they start while the history is read.
        using var preflight = request.Preflight ? PreflightStart.Begin(request, helm, _version, outcome.Time, cancellationToken) : null;
        if ((await ReadHistoryAsync(firstRead)).Ended(out ended, out var history)
            || (await PreflightAsync(history, preflight)).Ended(out ended, out history)
            || (await RecoverLockAsync(history)).Ended(out ended, out history)
            || (await CleanFailedInstallAsync(history)).Ended(out ended, out history))
        {
            return ended;
        }

        var before = new Before(history);
        outcome.FirstInstall = before.FirstInstall;
        outcome.PreviousRevision = before.LastGood?.Revision;
        outcome.Before = before.LastGood is null || before.FirstInstall ? null : new ChartSnapshot(before.LastGood.Chart, before.LastGood.AppVersion);
        WarnAboutHistoryReach(history);
        await ReplaceStuckPodsOfAnEarlierFailureAsync(history);
        await _external.CollectAsync(_version, outcome.Preflight, history);
        var spec = VerifyInput.Of(request).Spec;
        using var probes = spec is null ? null : VerificationProbes.Create(spec, request, helm, _version, outcome.Masker);
        if (probes is not null && !before.FirstInstall)
        {
            using (outcome.Phase("baseline"))
            {
                await probes.CaptureBaselinesAsync(CancellationToken.None);
            }
        }

        HelmProcessResult upgrade;
        using (log.Group(before.FirstInstall ? $"helm install {request.Release}" : $"helm upgrade {request.Release}"))
        using (outcome.Phase("upgrade"))
        {
            upgrade = await UpgradeAsync(before.FirstInstall);
        }

        if ((await VerifyAsync(upgrade)).Ended(out ended, out var after))
        {
            return ended;
        }

        var created = after.Entries.Where(e => e.Revision > before.LatestRevision).Select(e => e.Revision).ToList();
        outcome.AttemptedRevision = created.Count > 0 ? created.Min() : null;
        if (upgrade.Succeeded)
        {
            var deployed = after.Deployed;
            outcome.AttemptedRevision ??= deployed?.Revision;
            outcome.Mark($"deployed at revision {deployed?.Revision}");
            if (spec is null || probes is null || await VerifyAfterReadyAsync(spec, probes, deployed?.Revision) is not { } failure)
            {
                return new Verdict(DeployResult.Succeeded, null);
            }

            if ((await GuardMigrationAsync(before, failure, upgrade)).Ended(out ended, out failure))
            {
                return ended;
            }

            return await RollBackAsync(before, after, failure, upgrade, spec, probes);
        }

        var reason = FailureReason(upgrade);
        if (created.Count == 0 && SameLatest(history, after) && HelmErrorClassifier.Classify(upgrade.StandardError) is not HelmErrorClass.Uninstalled)
        {
            // Nothing was written: helm stopped before creating a revision (render, schema, lock, or an unreachable cluster).
            return new Verdict(HelmRetry.IsTransientFailure(upgrade) ? DeployResult.Unreachable : DeployResult.Rejected, reason + " (nothing was changed)", upgrade);
        }

        if (outcome.AttemptedRevision is { } attempted && await CleanUpHooksAsync(attempted, before.FirstInstall) is { } where)
        {
            reason += "; " + where;
        }

        if ((await GuardMigrationAsync(before, reason, upgrade)).Ended(out ended, out reason))
        {
            return ended;
        }

        return await RollBackAsync(before, after, reason, upgrade, spec, probes);
    }

    // The upgrade's migration hooks, from the watcher, into the outcome and its timeline.
    private void RecordMigrationHooks()
    {
        if (_watcher is null || _watcher.MigrationHooks is not { Count: > 0 } runs)
        {
            return;
        }

        outcome.MigrationHooks = runs;
        foreach (var run in runs)
        {
            if (run.Started is { } started)
            {
                outcome.Mark(started, $"migration hook {run.Hook} started");
            }

            if (run.Ended is { } ended)
            {
                var exit = run.ExitCode is { } code ? $" (exit code {code})" : string.Empty;
                outcome.Mark(ended, $"migration hook {run.Hook} {(run.Completed ? "completed" : "failed")}{exit}");
            }
        }
    }

    // A deploy that failed after a migration hook completed: the reason says so first, with what a rollback would run; with
    // on-failure-after-migration stop (and helm kept from its own rollback) the failed release is left as it is.
    private async Task<Step<string>> GuardMigrationAsync(Before before, string reason, HelmProcessResult upgrade)
    {
        if (outcome.MigrationHooks.FirstOrDefault(r => r.Completed) is null && outcome.AttemptedRevision is { } revision
            && MigrationGuard.MayRunMigrations(request, _attemptedHooks ?? outcome.Preflight?.ProposedHooks))
        {
            // The watcher did not see one complete (fail-fast off, or it joined late): the release record says what ran.
            await AddMigrationsHelmRecordedAsync(revision);
        }

        if (outcome.MigrationHooks.FirstOrDefault(r => r.Completed) is not { } migration)
        {
            return Step<string>.Continue(reason);
        }

        var target = before.FirstInstall ? null : before.LastGood?.Revision;
        var targetHooks = target is { } t ? await PreRollbackHooksAsync(t) : null;
        var chartHooks = outcome.AttemptedRevision is { } attempted ? await PreRollbackHooksAsync(attempted) : null;
        var stop = request.OnFailureAfterMigration == MigrationGuard.Stop && !_helmRollsBack;
        var warning = MigrationGuard.Explain(migration, outcome.Started, target, targetHooks, chartHooks, stop, outcome.AttemptedRevision);
        if (!stop)
        {
            return Step<string>.Continue(warning + "\n" + reason);
        }

        outcome.StoppedAfterMigration = true;
        outcome.Action($"on-failure-after-migration is stop: revision {outcome.AttemptedRevision} is left as it failed after migration hook {migration.Hook} completed; nothing was rolled back");
        outcome.Mark("left failed after a migration (on-failure-after-migration: stop)");
        NameStuckPods();
        return new Verdict(DeployResult.RollbackFailed, warning + "\n" + reason, upgrade);
    }

    private async Task AddMigrationsHelmRecordedAsync(int revision)
    {
        var selection = MigrationHookSelection.From(request.MigrationHooks);
        if (selection.Disabled)
        {
            return;
        }

        try
        {
            var recorded = MigrationHooks.RanIn(await helm.StatusJsonAsync(request.Target, revision, CancellationToken.None), selection);
            var seen = outcome.MigrationHooks.Select(r => r.Hook).ToHashSet(StringComparer.Ordinal);
            outcome.MigrationHooks = [.. outcome.MigrationHooks.Select(r => recorded.FirstOrDefault(h => h.Hook == r.Hook && h.Completed) is { } done
                ? r with { Completed = true, Ended = r.Ended ?? done.Ended }
                : r), .. recorded.Where(r => !seen.Contains(r.Hook))];
        }
        catch (Exception e) when (e is HelmCommandException or FormatException)
        {
            // A first install helm removed has no record left; a record that cannot be read leaves what the watcher saw.
        }
    }

    // The pre-rollback Job/Pod hooks of a revision; null when they cannot be read (a first install helm removed, say).
    private async Task<IReadOnlyList<string>?> PreRollbackHooksAsync(int revision)
    {
        try
        {
            return MigrationGuard.PreRollbackHooks(HookManifest.Parse(await helm.GetHooksAsync(request.Target, revision, CancellationToken.None)));
        }
        catch (Exception e) when (e is HelmCommandException or FormatException)
        {
            return null;
        }
    }

    // Back to the last good state (a failed first install removed), then, with verify-rollback, the restored revision verified.
    private async Task<Verdict> RollBackAsync(
        Before before, ReleaseHistory after, string reason, HelmProcessResult upgrade, VerifySpec? spec, VerificationProbes? probes)
    {
        Verdict restored;
        using (outcome.Phase("rollback"))
        {
            restored = before.FirstInstall
                ? await EnsureUninstalledAsync(after, reason, upgrade)
                : await EnsureRestoredAsync(before.LastGood, after, reason, upgrade);
        }

        if (!before.FirstInstall && before.LastGood is { } target)
        {
            await _external.CompareAsync(target.Revision);
        }

        return await VerifyRestoredAsync(restored, spec, probes);
    }

    private Task<Step<HelmVersion>> DetectHelmAsync() => HelmSteps.DetectAsync(helm, outcome, log, cancellationToken);

    private Task<Step<ReleaseHistory>> ReadHistoryAsync(Task<HistoryRead> reading) => HelmSteps.ReadHistoryAsync(reading, outcome);

    // A pending-* revision left by a killed helm: refuse while a live helm may hold it, clear it when it is provably stale.
    // The plan of the upgrade, before anything changes: a blocking finding refuses the deploy (helm would fail, or leave pods
    // that cannot start); warnings go into the report. A plan that cannot be made (a chart that does not render, an
    // unreachable cluster) is left to helm, whose own error then says so.
    private async Task<Step<ReleaseHistory>> PreflightAsync(ReleaseHistory history, PreflightStart? started)
    {
        if (!request.Preflight || started is null)
        {
            return Step<ReleaseHistory>.Continue(history);
        }

        DeployPlan plan;
        using (log.Group($"preflight {request.Release}"))
        using (outcome.Phase("preflight"))
        {
            try
            {
                plan = await PlanEngine.MakeAsync(request, helm, _version, history, log, outcome.Time, cancellationToken, started);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A preflight that breaks is no reason to refuse a deploy, nor to end it: helm decides, as without one.
                outcome.Warning($"the preflight could not be made ({TextFormat.OneLine(e.Message)}); helm decides");
                return Step<ReleaseHistory>.Continue(history);
            }
            finally
            {
                started.Dispose(); // the plan is made: its cluster connection is not needed during the upgrade
            }
        }

        outcome.Preflight = plan;
        if (plan.Result is PlanResult.Rejected or PlanResult.Unreachable)
        {
            outcome.Warning($"the preflight could not be made ({plan.Error}); helm decides");
            return Step<ReleaseHistory>.Continue(history);
        }

        foreach (var finding in plan.Findings.Where(f => f.Severity is Plan.FindingSeverity.Warning))
        {
            outcome.Warning("preflight: " + finding.Message);
        }

        var blocking = plan.Findings.Where(f => f.Severity is Plan.FindingSeverity.Blocking).ToList();
        if (blocking.Count == 0)
        {
            outcome.Mark($"preflight: {plan.Summary}");
            return Step<ReleaseHistory>.Continue(history);
        }

        outcome.Mark($"preflight refused the upgrade: {blocking.Count} blocking finding{(blocking.Count == 1 ? "" : "s")}");
        var reasons = string.Join("; ", blocking.Select(f => f.Message + " (" + f.Fix + ")"));
        return new Verdict(DeployResult.Rejected, $"preflight: {reasons} (nothing was changed)");
    }

    private async Task<Step<ReleaseHistory>> RecoverLockAsync(ReleaseHistory history)
    {
        var decision = StaleLockPolicy.Decide(history, outcome.Time.GetUtcNow(), request.Timeout, request.StaleLockMargin, request.RecoverStaleLock);
        if (decision.Action == LockAction.None)
        {
            return Step<ReleaseHistory>.Continue(history);
        }

        using (outcome.Phase("recover-lock"))
        {
            if (!decision.RequiresRecovery)
            {
                return new Verdict(DeployResult.Rejected, decision.Action switch
                {
                    LockAction.FailInProgress => "another deploy seems to be in progress: " + decision.Explanation,
                    LockAction.FailNoRecovery => decision.Explanation + " (recover-stale-lock is off, so nothing was done)",
                    _ => decision.Explanation,
                });
            }

            outcome.Action("stale lock: " + decision.Explanation);
            outcome.Mutating();
            var cleared = await helm.RunMutatingAsync(
                decision.Action == LockAction.RollbackToLastGood
                    ? HelmArguments.Rollback(_upgrade, _version, decision.TargetRevision!.Value, request.EffectiveRollbackTimeout)
                    : HelmArguments.Uninstall(request.Target, _version, keepHistory: true, request.EffectiveRollbackTimeout),
                cancellationToken);
            if (!cleared.Succeeded)
            {
                return new Verdict(DeployResult.RollbackFailed, "could not clear the stale lock: " + outcome.Masker.Mask(cleared.ErrorText), cleared);
            }

            var read = await TryReadHistoryAsync(cancellationToken);
            if (read.History is not { } recovered)
            {
                return new Verdict(DeployResult.Unreachable, "the lock was cleared but the history cannot be read: " + read.Error);
            }

            outcome.History = recovered;
            ExplainPendingLeftBehind(recovered);
            return Step<ReleaseHistory>.Continue(recovered);
        }
    }

    // A failed first install without atomic leaves only failed revisions; an atomic upgrade over it would find nothing
    // to roll back to. Start clean, as Flux's install remediation does.
    private async Task<Step<ReleaseHistory>> CleanFailedInstallAsync(ReleaseHistory history)
    {
        if (!history.OnlyFailed)
        {
            return Step<ReleaseHistory>.Continue(history);
        }

        using (outcome.Phase("clean-failed-install"))
        {
            outcome.Action($"release has only failed revisions (latest {history.Latest!.Revision}); uninstalled it so the install starts clean");
            outcome.Mutating();
            var removed = await helm.RunMutatingAsync(
                HelmArguments.Uninstall(request.Target, _version, keepHistory: false, request.EffectiveRollbackTimeout), CancellationToken.None);
            if (!removed.Succeeded)
            {
                return new Verdict(DeployResult.RollbackFailed, "could not remove the failed release: " + outcome.Masker.Mask(removed.ErrorText), removed);
            }

            var clean = (await TryReadHistoryAsync(CancellationToken.None)).History ?? ReleaseHistory.Empty;
            outcome.History = clean;
            return Step<ReleaseHistory>.Continue(clean);
        }
    }

    // A StatefulSet pod left stuck by an earlier failed deploy blocks every later rollout of its StatefulSet (the
    // controller waits for it forever). Only looked for when the history says the last deploy did not end cleanly, so a
    // healthy deploy pays nothing for it; and never with fail-fast and the forced rollback both off, when the engine
    // leaves the cluster to helm alone.
    private async Task ReplaceStuckPodsOfAnEarlierFailureAsync(ReleaseHistory history)
    {
        if (!EndedInAFailure(history) || !(request.FailFast || request.ForceRollbackPods))
        {
            return;
        }

        await using var standalone = pending is null ? new PendingWatcher(request, outcome.Masker, outcome.Time, cancellationToken) : null;
        var start = await (standalone ?? pending!).Start;
        if (start.Watcher is not { } watcher)
        {
            return;
        }

        var stuck = watcher.StuckPods(StuckPodScope.Any);
        if (stuck.Count == 0)
        {
            return;
        }

        if (!request.ForceRollbackPods)
        {
            outcome.Stuck(stuck);
            return;
        }

        using (outcome.Phase("force-rollback-pods"))
        {
            var (replaced, ready) = await watcher.ReplaceStuckPodsNowAsync(StuckPodScope.Any, request.EffectiveRollbackTimeout, cancellationToken);
            outcome.Replaced(replaced, "a revision an earlier deploy left behind");
            outcome.Mark(ready ? "stuck pods replaced: the StatefulSets are Ready again" : "stuck pods replaced, but the StatefulSets are not Ready yet");
            if (!ready)
            {
                outcome.Warning($"the StatefulSets of {request.Release} were not Ready {GoDuration.FormatCompact(request.EffectiveRollbackTimeout)} after their stuck pods were replaced; the upgrade goes on");
            }
        }
    }

    /// <summary>Runs <c>helm upgrade --install</c>; with fail-fast, a rollout watcher runs beside it and a fatal pod state
    /// interrupts helm (SIGINT: both majors then mark the revision failed and roll back by themselves, see
    /// Kubernetes/SIGNALS.md). While helm runs, the forced rollback replaces the StatefulSet pods its rollback leaves on
    /// the failed revision. The verify phase that follows makes sure of the end state either way.</summary>
    private async Task<HelmProcessResult> UpgradeAsync(bool firstInstall)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var helmExited = new CancellationTokenSource();
        _helmRollsBack = !MigrationGuard.KeepsHelmFromRollingBack(request, outcome.Preflight);
        if (!_helmRollsBack)
        {
            log.Info("on-failure-after-migration is stop: helm upgrades without its own rollback, so that it cannot roll back over a " +
                "migration; the engine rolls back itself unless a migration hook completed");
        }

        outcome.Mark(firstInstall ? "install started" : "upgrade started");
        var startedAt = outcome.Time.GetUtcNow();
        outcome.Mutating();
        var running = helm.RunMutatingAsync(HelmArguments.Upgrade(_upgrade with { Labels = _external.Labels, RollbackOnFailure = _helmRollsBack }, _version), interrupt.Token);

        // Helm starts at once; the watcher joins as soon as its first lists are in (see RolloutWatcher.UpgradeStarted).
        // A helm that succeeds before then does not wait for it; one that fails does, for the diagnosis.
        Task<IReadOnlyList<PodReplacement>>? repair = null;
        _watcher = pending is null ? null : await pending.JoinAsync(running, startedAt, outcome);
        if (_watcher is not null && request.ForceRollbackPods && !firstInstall)
        {
            // Safe from the start: a pod of this upgrade's revision counts only once its StatefulSet's template has
            // moved on from it, which only a rollback does.
            repair = _watcher.ReplaceStuckPodsAsync(StuckPodScope.RevisionsOfThisUpgrade, helmExited.Token);
        }

        if (_watcher is not null && await PendingWatcher.FatalWhileAsync(_watcher, running) is { } diagnosis)
        {
            outcome.Diagnosis = diagnosis;
            outcome.Mark("first fatal state: " + diagnosis.Summary);
            log.Warning($"fail-fast: {outcome.Masker.Mask(diagnosis.Summary)}; interrupting helm so that the release returns to its last good revision now");
            await interrupt.CancelAsync();

            // SIGINT makes both majors mark the revision failed and start their atomic rollback at once (SIGNALS.md).
            outcome.Mark(_helmRollsBack ? "rollback started: helm interrupted, its atomic rollback runs" : "helm interrupted, without an atomic rollback");
        }

        var upgrade = await running;
        RecordMigrationHooks();
        await helmExited.CancelAsync();
        if (upgrade.Succeeded)
        {
            // Only a successful rollout is measured: when a failed helm exits, its own rollback has already put the old
            // template back, whose new pods would pass for the upgrade's.
            var took = outcome.Time.GetUtcNow() - startedAt;
            outcome.Rollout = new MeasuredRollout(took, _watcher is null ? [] : await _watcher.StartupsWhenReadyAsync(WatcherCatchUp));
        }
        if (repair is not null)
        {
            RecordRepair(await repair, helmStarted: startedAt);
        }

        if (upgrade.Succeeded)
        {
            outcome.Diagnosis = null; // helm finished first: whatever the watcher saw last did not stop the rollout
        }

        outcome.Mark(upgrade.Cancelled ? (outcome.Diagnosis is { Fatal: true } ? "helm exited after its own rollback" : "helm interrupted")
            : upgrade.Succeeded ? "helm reported success" : "helm reported failure");
        if (_watcher is not null && !upgrade.Succeeded && outcome.Diagnosis is null)
        {
            outcome.Diagnosis = await _watcher.DiagnoseAsync(CancellationToken.None);
        }

        if (upgrade.Succeeded)
        {
            await StopWatcherAsync(); // nothing to repair or name: stop watching now
        }

        return upgrade;
    }

    private async Task<Step<ReleaseHistory>> VerifyAsync(HelmProcessResult upgrade)
    {
        using (outcome.Phase("verify"))
        {
            var read = await TryReadHistoryAsync(CancellationToken.None);
            if (read.History is not { } after)
            {
                return new Verdict(
                    upgrade.Succeeded ? DeployResult.Unreachable : DeployResult.RollbackFailed,
                    "the upgrade " + (upgrade.Succeeded ? "reported success" : "failed") + " but the history cannot be read: " + read.Error,
                    upgrade);
            }

            outcome.History = after;
            return Step<ReleaseHistory>.Continue(after);
        }
    }

    // The bake: the verify document's checks, after Ready. Returns why the upgrade must be rolled back, or null when it
    // stands (passed, or the job was cancelled: the release then stays as it is, deployed and Ready, and the report says so).
    private async Task<string?> VerifyAfterReadyAsync(VerifySpec spec, VerificationProbes probes, int? revision)
    {
        VerificationReport report;
        using (outcome.Phase("verification"))
        {
            report = await new VerificationRun(spec, probes.Probes, outcome.Time, (_, what) => outcome.Mark(what)).RunAsync(cancellationToken);
        }

        outcome.Verification = report;
        switch (report.Verdict)
        {
            case VerificationVerdict.Passed:
                outcome.Mark("verification passed");
                return null;
            case VerificationVerdict.Cancelled:
                outcome.Warning($"the verification was cancelled ({report.Reason}); revision {revision} stays deployed, its checks unfinished");
                return null;
            default:
                outcome.Action($"the verification failed ({report.Reason}); rolling back");
                return "verification failed: " + report.Reason;
        }
    }

    // verify-rollback: the same checks, for a bake of their own, against the restored revision and the baselines taken
    // before the upgrade. A restored revision that fails them is back but not healthy (a dependency broke, or the failed
    // upgrade changed something the rollback does not undo): rollback-failed, the cluster needs a person.
    private async Task<Verdict> VerifyRestoredAsync(Verdict restored, VerifySpec? spec, VerificationProbes? probes)
    {
        if (!request.VerifyRollback || spec is null || probes is null || restored.Result != DeployResult.RolledBack
            || outcome.Uninstalled || outcome.RestoredRevision is not { } revision)
        {
            return restored;
        }

        VerificationReport report;
        using (outcome.Phase("rollback verification"))
        {
            report = await new VerificationRun(spec, probes.Probes, outcome.Time, (_, what) => outcome.Mark($"restored revision {revision}: {what}")).RunAsync(cancellationToken);
        }

        outcome.RollbackVerification = report;
        switch (report.Verdict)
        {
            case VerificationVerdict.Passed:
                outcome.Mark($"restored revision {revision}: verification passed");
                return restored;
            case VerificationVerdict.Cancelled:
                outcome.Warning($"the verification of restored revision {revision} was cancelled ({report.Reason}); it stays deployed, unverified");
                return restored;
            default:
                outcome.Action($"restored revision {revision} failed its verification too ({report.Reason}); it stays deployed: there is no better revision to return to");
                return restored with { Result = DeployResult.RollbackFailed, Reason = $"{restored.Reason}; restored revision {revision} failed its verification too: {report.Reason}" };
        }
    }

    private async Task<Verdict> EnsureUninstalledAsync(ReleaseHistory after, string reason, HelmProcessResult upgrade)
    {
        if (after.IsFirstInstall)
        {
            outcome.Mark("failed install removed");
            outcome.Uninstalled = true;
            outcome.Action("the failed first install was removed by Helm; nothing of it is left in the cluster");
            return new Verdict(DeployResult.RolledBack, reason, upgrade);
        }

        outcome.Action($"Helm left the failed first install as revision {after.Latest!.Revision} ({after.Latest.Status}); uninstalling it");
        outcome.Mutating();
        var removed = await helm.RunMutatingAsync(
            HelmArguments.Uninstall(request.Target, _version, keepHistory: false, request.EffectiveRollbackTimeout), CancellationToken.None);
        var final = (await TryReadHistoryAsync(CancellationToken.None)).History;
        if (final is not null)
        {
            outcome.History = final;
        }

        if (removed.Succeeded && final is { IsFirstInstall: true })
        {
            outcome.Mark("failed install removed");
            outcome.Uninstalled = true;
            return new Verdict(DeployResult.RolledBack, reason, upgrade);
        }

        return new Verdict(DeployResult.RollbackFailed, reason + "; removing the failed install also failed: " + outcome.Masker.Mask(removed.ErrorText), upgrade);
    }

    private async Task<Verdict> EnsureRestoredAsync(HistoryEntry? lastGood, ReleaseHistory after, string reason, HelmProcessResult upgrade)
    {
        if (lastGood is null)
        {
            return new Verdict(DeployResult.RollbackFailed, reason + "; the history holds no good revision to return to", upgrade);
        }

        if (IsRestored(after, lastGood))
        {
            outcome.RestoredRevision = after.Latest!.Revision;
            outcome.Action($"Helm rolled back to revision {lastGood.Revision} as revision {after.Latest.Revision}");
            outcome.Mark($"restored revision {lastGood.Revision} as revision {after.Latest.Revision}");
            return await PodsRestoredAsync(new Verdict(DeployResult.RolledBack, reason, upgrade), lastGood);
        }

        var latest = after.Latest!;
        outcome.Action(
            $"Helm's own rollback did not leave revision {lastGood.Revision} deployed (latest is revision {latest.Revision}, {latest.Status}); " +
            $"rolling back explicitly with its own timeout of {GoDuration.Format(request.EffectiveRollbackTimeout)}");
        outcome.Mark($"explicit rollback to revision {lastGood.Revision} started");
        HelmProcessResult rollback;
        using (log.Group($"helm rollback {request.Release} {lastGood.Revision}"))
        {
            rollback = await RollbackWithForcedRollbackAsync(lastGood, after);
        }

        var final = (await TryReadHistoryAsync(CancellationToken.None)).History;
        if (final is not null)
        {
            outcome.History = final;
        }

        if (rollback.Succeeded && final is not null && IsRestored(final, lastGood))
        {
            outcome.RestoredRevision = final.Latest!.Revision;
            outcome.Mark($"restored revision {lastGood.Revision} as revision {final.Latest.Revision}");
            ExplainPendingLeftBehind(final);
            return await PodsRestoredAsync(new Verdict(DeployResult.RolledBack, reason, upgrade), lastGood);
        }

        var why = rollback.Succeeded ? "the rollback reported success but the release is not deployed at the restored content" : outcome.Masker.Mask(rollback.ErrorText);
        outcome.Mark($"explicit rollback to revision {lastGood.Revision} failed");
        if (final is not null)
        {
            ExplainPendingLeftBehind(final);
        }

        NameStuckPods();
        return new Verdict(DeployResult.RollbackFailed, $"{reason}; the rollback to revision {lastGood.Revision} failed: {why}{StuckPodsHint()}", upgrade);
    }

    // A hook Job or Pod of the failed revision that is still there (fail-fast interrupted it, or helm gave up on it) would
    // go on, and a migration would then run against the rolled-back application: it is deleted, with its pods, before
    // the deploy ends. The hooks come from the failed revision itself (helm get hooks), so nothing else is touched.
    // Returns where the failure happened when that was a pre-install or pre-upgrade hook.
    private async Task<string?> CleanUpHooksAsync(int revision, bool firstInstall)
    {
        if (!(request.FailFast || request.ForceRollbackPods))
        {
            return null; // the engine leaves the cluster to helm alone
        }

        IReadOnlyList<HookResource> hooks;
        try
        {
            hooks = HookManifest.Parse(await helm.GetHooksAsync(request.Target, revision, CancellationToken.None));
            _attemptedHooks = hooks;
        }
        catch (HelmCommandException e) when (e.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return null; // a first install Helm removed: no revision left to read hooks from
        }
        catch (Exception e) when (e is HelmCommandException or FormatException)
        {
            outcome.Warning($"could not read the hooks of revision {revision}, so none was cleaned up: {e.Message}");
            return null;
        }

        if (!hooks.Any(h => h.IsJobOrPod))
        {
            return null;
        }

        using (outcome.Phase("clean-hooks"))
        {
            var result = await HookCleanup.RunAsync(
                new HookCleanupRequest
                {
                    Namespace = request.Namespace,
                    Revision = revision,
                    Hooks = hooks,
                    Kubeconfig = request.Kubeconfig,
                    KubeContext = request.KubeContext,
                    Mask = outcome.Masker.Mask,
                },
                CancellationToken.None);
            foreach (var entry in result.Hooks)
            {
                switch (entry.Action)
                {
                    case HookCleanupAction.Deleted:
                        outcome.Action(entry.Reason);
                        outcome.Mark($"deleted hook {entry.Hook.Reference}");
                        break;
                    case HookCleanupAction.Failed:
                        outcome.Warning(entry.Reason);
                        break;
                    default:
                        break;
                }
            }

            foreach (var warning in result.Warnings)
            {
                outcome.Warning(warning);
            }
        }

        return outcome.Diagnosis?.Pods.FirstOrDefault()?.Workload is { } failed ? HookPhase.Describe(hooks, failed, firstInstall) : null;
    }

    // The explicit rollback, with the forced rollback beside it: the watcher of the upgrade knows which revisions it
    // created; without one (fail-fast off), a watcher started now may replace any stuck pod once Helm's own rollback has
    // put the template back (the history then shows a rollback to the last good revision after the failed one).
    private async Task<HelmProcessResult> RollbackWithForcedRollbackAsync(HistoryEntry lastGood, ReleaseHistory after)
    {
        RolloutWatcher? watcher = _watcher;
        StuckPodScope? scope = _watcher is null ? null : StuckPodScope.RevisionsOfThisUpgrade;
        if (request.ForceRollbackPods && _watcher is null
            && after.Entries.Any(e => e.Revision > lastGood.Revision && e.Description.StartsWith($"Rollback to {lastGood.Revision}", StringComparison.Ordinal)))
        {
            _standalone = new PendingWatcher(request, outcome.Masker, outcome.Time, cancellationToken);
            var start = await _standalone.Start;
            if (start.Error is { } error)
            {
                outcome.Warning(error.Replace("fail-fast is off for this deploy", "the forced rollback is off for this deploy", StringComparison.Ordinal));
            }

            _watcher = watcher = start.Watcher;
            scope = StuckPodScope.Any;
        }

        using var helmExited = new CancellationTokenSource();
        var started = outcome.Time.GetUtcNow();
        var repair = request.ForceRollbackPods && watcher is not null ? watcher.ReplaceStuckPodsAsync(scope!, helmExited.Token) : null;
        HelmProcessResult rollback;
        for (var attempt = 1; ; attempt++)
        {
            outcome.Mutating();
            rollback = await helm.RunMutatingAsync(
                HelmArguments.Rollback(_upgrade, _version, lastGood.Revision, request.EffectiveRollbackTimeout), CancellationToken.None);

            // A rollback that failed because the API server was away for a moment (Helm may call it a failed clean-up) is
            // run again: it only applies the last good revision once more, and helm rollback does not refuse a pending one.
            if (rollback.Succeeded || rollback.Cancelled || attempt > retry.MaxRetries || !HelmErrorClassifier.MentionsTransient(rollback.StandardError))
            {
                break;
            }

            var delay = Backoff(attempt);
            outcome.Warning(
                $"the rollback to revision {lastGood.Revision} failed on a passing API error (attempt {attempt} of {retry.MaxRetries + 1}): " +
                $"{TextFormat.FirstLine(outcome.Masker.Mask(rollback.ErrorText))}; rolling back again in {GoDuration.FormatCompact(delay)}");
            await Task.Delay(delay, outcome.Time, CancellationToken.None);
        }

        await helmExited.CancelAsync();
        if (repair is not null)
        {
            RecordRepair(await repair, started);
        }

        return rollback;
    }

    // Helm's wait counts a StatefulSet with updateStrategy OnDelete as ready whatever its pods run: after a restore, no
    // pod of this upgrade's revision may be left behind.
    private async Task<Verdict> PodsRestoredAsync(Verdict restored, HistoryEntry lastGood)
    {
        if (_watcher is null || _watcher.StuckPods(StuckPodScope.RevisionsOfThisUpgrade).Count == 0)
        {
            return restored;
        }

        if (!request.ForceRollbackPods)
        {
            NameStuckPods();
            return new Verdict(DeployResult.RollbackFailed, restored.Reason + "; revision " + lastGood.Revision + " is restored but pods of the failed revision remain" + StuckPodsHint(), restored.Helm);
        }

        var started = outcome.Time.GetUtcNow();
        var (replaced, ready) = await _watcher.ReplaceStuckPodsNowAsync(StuckPodScope.RevisionsOfThisUpgrade, request.EffectiveRollbackTimeout, CancellationToken.None);
        outcome.Replaced(replaced, "the failed revision");
        outcome.Phase("force-rollback-pods", started, outcome.Time.GetUtcNow());
        if (ready)
        {
            return restored;
        }

        NameStuckPods();
        return new Verdict(DeployResult.RollbackFailed, restored.Reason + "; the StatefulSets were not Ready again after their pods of the failed revision were replaced" + StuckPodsHint(), restored.Helm);
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = retry.BaseDelay * Math.Pow(2, attempt - 1);
        return delay < retry.MaxDelay ? delay : retry.MaxDelay;
    }

    private void RecordRepair(IReadOnlyList<PodReplacement> replaced, DateTimeOffset helmStarted)
    {
        if (replaced.Count == 0)
        {
            return;
        }

        outcome.Replaced(replaced, "the failed revision");
        outcome.Phase("force-rollback-pods", replaced[0].At, outcome.Time.GetUtcNow() > helmStarted ? outcome.Time.GetUtcNow() : helmStarted);
    }

    // With the forced rollback off (or after it failed), the pods that keep the release from its last good state are
    // named, each with the command that replaces it.
    private void NameStuckPods()
    {
        if (_watcher is { } watcher)
        {
            outcome.Stuck(watcher.StuckPods(StuckPodScope.RevisionsOfThisUpgrade));
        }
    }

    private string StuckPodsHint()
    {
        var stuck = _watcher?.StuckPods(StuckPodScope.RevisionsOfThisUpgrade) ?? [];
        return stuck.Count == 0
            ? string.Empty
            : $"; StatefulSet pods still run the failed revision ({string.Join(", ", stuck.Select(p => p.Pod))}): " +
              string.Join("; ", stuck.Select(p => p.DeleteCommand(request.Namespace))) +
              (request.ForceRollbackPods ? string.Empty : ", or deploy with force-rollback-pods on");
    }

    // A helm killed while it held the lock leaves its revision pending-* for ever: Helm never rewrites an old revision.
    private void ExplainPendingLeftBehind(ReleaseHistory history)
    {
        if (history.Latest is not { } latest)
        {
            return;
        }

        foreach (var pending in history.Entries.Where(e => e.IsPending && e.Revision < latest.Revision))
        {
            outcome.Action(
                $"revision {pending.Revision} stays {pending.Status} in the history: the helm that wrote it was stopped before it finished; " +
                $"revision {latest.Revision} ({latest.Status}) superseded it, and Helm never rewrites an old revision");
        }
    }

    private async Task StopWatcherAsync()
    {
        if (_watcher is { } watcher)
        {
            _watcher = null;
            await PendingWatcher.StopAsync(watcher, outcome);
        }

        if (_standalone is { } standalone)
        {
            _standalone = null;
            await standalone.DisposeAsync();
        }
    }

    private Task<HistoryRead> TryReadHistoryAsync(CancellationToken token) => HelmSteps.TryReadHistoryAsync(helm, request.Target, token);

    private string FailureReason(HelmProcessResult upgrade)
    {
        var reason = upgrade.Cancelled && cancellationToken.IsCancellationRequested
            ? "the deploy was cancelled while helm was upgrading"
            : upgrade.Cancelled
                ? "the upgrade was interrupted"
                : HelmErrorClassifier.Cause(outcome.Masker.Mask(upgrade.ErrorText)) ?? $"helm exited with code {upgrade.ExitCode}";
        if (outcome.Diagnosis is { } diagnosis)
        {
            reason = diagnosis.Fatal ? Explain(diagnosis) : $"{reason} ({Explain(diagnosis)})";
            if (_external.ConfigErrorCause(diagnosis) is { } cause)
            {
                reason += "; " + cause;
            }
        }

        return reason;
    }

    /// <summary>A diagnosis in one line, with the failing pod's last log line when there is one.</summary>
    internal static string Explain(RolloutDiagnosis diagnosis)
    {
        var lastLine = diagnosis.Pods.FirstOrDefault()?.LastLogLines.LastOrDefault();
        return lastLine is null ? diagnosis.Summary : $"{diagnosis.Summary}; last log line: {lastLine.Trim()}";
    }

    // The last deploy did not end cleanly: its newest revision failed, or is a rollback (Helm's own, or ours).
    private static bool EndedInAFailure(ReleaseHistory history) =>
        history.Latest is { } latest && !history.IsFirstInstall &&
        (latest.Status == ReleaseStatus.Failed || latest.Description.StartsWith("Rollback to ", StringComparison.Ordinal));

    // Restored = the newest revision is deployed and is a rollback to the last good one (Helm's atomic
    // rollback and ours both write "Rollback to N").
    private static bool IsRestored(ReleaseHistory history, HistoryEntry lastGood) => HelmSteps.IsRollbackTo(history, lastGood.Revision, lastGood.Revision);

    private static bool SameLatest(ReleaseHistory before, ReleaseHistory after) =>
        before.Latest?.Revision == after.Latest?.Revision && before.Latest?.Status == after.Latest?.Status;

    private void WarnAboutHistoryReach(ReleaseHistory history)
    {
        if (history.IsFirstInstall)
        {
            return;
        }

        var lastGood = history.LastGood;
        if (lastGood is null)
        {
            outcome.Warning("the release history holds no good (deployed or superseded) revision: a failed upgrade has nothing to return to");
            return;
        }

        // The upgrade adds one revision and a rollback another; Helm prunes the oldest beyond history-max.
        var latest = history.Latest!.Revision;
        if (request.HistoryMax > 0 && latest + 2 - lastGood.Revision >= request.HistoryMax)
        {
            outcome.Warning(
                $"the last good revision {lastGood.Revision} is {latest - lastGood.Revision} revision(s) behind the latest ({latest}); " +
                $"with history-max {request.HistoryMax} a failed upgrade and its rollback would bring it to the edge of the kept history");
        }
    }

    /// <summary>The release as the upgrade found it.</summary>
    private sealed record Before(ReleaseHistory History)
    {
        public HistoryEntry? LastGood => History.LastGood;

        public bool FirstInstall => History.IsFirstInstall;

        public int LatestRevision => History.Latest?.Revision ?? 0;
    }
}
