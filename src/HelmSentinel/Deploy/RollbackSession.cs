using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// One validated rollback by hand, as its phases: detect helm and read the history, refuse what must not run (no such
/// revision, the current one, a failed target, a release a live helm holds), roll back with <c>helm rollback --wait</c>
/// while the fail-fast watcher looks at the target's own pods, then verify that the target's content is what is deployed.
/// A target whose pods fail (or never get Ready) is not left running: the revision that ran before is put back, and the
/// rollback ends <see cref="DeployResult.RollbackFailed"/> (exit 2), as a deploy that cannot be restored does.
/// </summary>
internal sealed class RollbackSession(
    DeployRequest request, HelmCli helm, OutcomeBuilder outcome, IDeployLog log, PendingWatcher? pending, HelmRetryOptions retry, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    private readonly HelmUpgrade _upgrade = request.ToHelmUpgrade();
    private HelmVersion _version = null!;
    private RolloutWatcher? _watcher;

    public async Task<DeployOutcome> RunAsync()
    {
        var verdict = await RunPhasesAsync();
        await StopWatcherAsync();
        return outcome.End(verdict);
    }

    public ValueTask DisposeAsync() => new(StopWatcherAsync());

    private async Task<Verdict> RunPhasesAsync()
    {
        var detecting = HelmSteps.DetectAsync(helm, outcome, log, cancellationToken);
        var firstRead = HelmSteps.TryReadHistoryAsync(helm, request.Target, cancellationToken);
        if ((await detecting).Ended(out var ended, out _version))
        {
            await firstRead.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            return ended;
        }

        if ((await HelmSteps.ReadHistoryAsync(firstRead, outcome)).Ended(out ended, out var history))
        {
            return ended;
        }

        if (CheckLock(history) is { } locked)
        {
            return locked;
        }

        if (ChooseTarget(history).Ended(out ended, out var target))
        {
            return ended;
        }

        var current = history.Latest!;
        outcome.TargetRevision = target.Revision;
        outcome.PreviousRevision = current.Revision;
        outcome.Before = history.Deployed is { } live ? new ChartSnapshot(live.Chart, live.AppVersion) : null;
        log.Info($"rolling {request.Release} back from revision {current.Revision} ({current.Status}) to revision {target.Revision} ({target.Chart}, {target.Status})");

        await WarnAboutCrossedMigrationsAsync(history, target);
        HelmProcessResult rollback;
        using (log.Group($"helm rollback {request.Release} {target.Revision}"))
        using (outcome.Phase("rollback"))
        {
            rollback = await RollBackWatchedAsync(target.Revision);
        }

        ReleaseHistory after;
        using (outcome.Phase("verify"))
        {
            var read = await HelmSteps.TryReadHistoryAsync(helm, request.Target, CancellationToken.None);
            if (read.History is not { } readAfter)
            {
                return new Verdict(DeployResult.RollbackFailed, $"the rollback to revision {target.Revision} ended but the history cannot be read: {read.Error}", rollback);
            }

            after = outcome.History = readAfter;
        }

        var written = after.Entries.Where(e => e.Revision > current.Revision).Select(e => e.Revision).ToList();
        outcome.AttemptedRevision = written.Count > 0 ? written.Min() : null;
        if (rollback.Succeeded && HelmSteps.IsRollbackTo(after, target.Revision, current.Revision) && outcome.Diagnosis is null)
        {
            outcome.RestoredRevision = after.Latest!.Revision;
            outcome.Mark($"revision {target.Revision} deployed as revision {after.Latest.Revision}");
            var verdict = await StuckPodsReplacedAsync(target.Revision);

            // What the rollback did not restore: the configuration outside the release, against the target's fingerprints.
            await new ExternalConfigPhase(request, helm, outcome, log, cancellationToken).CompareAsync(target.Revision);
            return verdict;
        }

        var why = Why(rollback, target.Revision);
        if (written.Count == 0 && !rollback.Cancelled)
        {
            // helm stopped before writing a revision: nothing changed (an unreachable cluster, a refused request).
            return new Verdict(HelmRetry.IsTransientFailure(rollback) ? DeployResult.Unreachable : DeployResult.Rejected, why + " (nothing was changed)", rollback);
        }

        if (!request.FailFast)
        {
            // Exactly Helm's own ending: the target's content stays applied, its revision failed.
            return new Verdict(DeployResult.RollbackFailed, why, rollback);
        }

        return await PutBackAsync(history, why, rollback);
    }

    // A pending-* revision: a live helm may hold it (refused), or it is stale (helm rollback does not refuse a pending
    // revision, and writes a new one over it: the rollback itself clears the lock).
    private Verdict? CheckLock(ReleaseHistory history)
    {
        var decision = StaleLockPolicy.Decide(history, outcome.Time.GetUtcNow(), request.Timeout, request.StaleLockMargin, request.RecoverStaleLock);
        switch (decision.Action)
        {
            case LockAction.None:
                return null;
            case LockAction.FailInProgress:
                return new Verdict(DeployResult.Rejected, "another helm seems to hold the release: " + decision.Explanation + " (nothing was changed)");
            case LockAction.FailNoRecovery:
                return new Verdict(DeployResult.Rejected, decision.Explanation + " (recover-stale-lock is off, so nothing was done)");
            default:
                outcome.Action($"stale lock: revision {decision.PendingRevision} has been {decision.PendingStatus} for longer than any live helm could hold it; the rollback writes over it");
                return null;
        }
    }

    private Step<HistoryEntry> ChooseTarget(ReleaseHistory history)
    {
        if (history.IsFirstInstall)
        {
            return Refuse($"release {request.Release} has no revisions in namespace {request.Namespace}: there is nothing to roll back");
        }

        var current = history.Latest!;
        var wanted = request.Rollback!;
        if (wanted.Revision is not { } chosen)
        {
            var lastGood = LastGoodBefore(history);
            return lastGood is null
                ? Refuse($"no revision before the current one ({current.Revision}, {current.Status}) was deployed to the end and kept: there is no last good revision to return to; name one with revision")
                : Step<HistoryEntry>.Continue(lastGood);
        }

        var entry = history.Entries.FirstOrDefault(e => e.Revision == chosen);
        if (entry is null)
        {
            var kept = $"{history.Entries[0].Revision}–{current.Revision}";
            return Refuse(chosen > current.Revision
                ? $"revision {chosen} does not exist: the newest revision of {request.Release} is {current.Revision}"
                : $"revision {chosen} is no longer in the history of {request.Release} (it keeps revisions {kept}; Helm prunes beyond history-max)");
        }

        if (entry.Revision == current.Revision)
        {
            return Refuse($"revision {chosen} is the current revision ({current.Status}): rolling back to it would change nothing");
        }

        if (entry.IsPending)
        {
            return Refuse($"revision {chosen} is {entry.Status}: the helm that wrote it never finished, so its content was never applied whole");
        }

        if (entry.Status == ReleaseStatus.Failed && !wanted.AllowFailedTarget)
        {
            return Refuse(
                $"revision {chosen} failed when it was deployed ({TextFormat.OneLine(outcome.Masker.Mask(entry.Description))}); " +
                "returning to it would bring back what failed; set allow-failed-target to roll back to it anyway");
        }

        return Step<HistoryEntry>.Continue(entry);
    }

    private Verdict Refuse(string why)
    {
        outcome.Mark("rollback refused");
        return new Verdict(DeployResult.Rejected, why + " (nothing was changed)");
    }

    /// <summary>The newest revision before the current one that Helm deployed to the end (deployed or superseded) and that
    /// no later rollback went back over (a revision rolled back from was not good, whatever its status says).</summary>
    internal static HistoryEntry? LastGoodBefore(ReleaseHistory history)
    {
        var current = history.Latest!;
        var rolledBackOver = new HashSet<int>();
        foreach (var entry in history.Entries)
        {
            if (RollbackTarget(entry) is { } to)
            {
                foreach (var skipped in history.Entries.Where(e => e.Revision > to && e.Revision < entry.Revision))
                {
                    rolledBackOver.Add(skipped.Revision);
                }
            }
        }

        return history.Entries.LastOrDefault(e =>
            e.Revision < current.Revision && e.Status is ReleaseStatus.Deployed or ReleaseStatus.Superseded && !rolledBackOver.Contains(e.Revision));
    }

    private static int? RollbackTarget(HistoryEntry entry) =>
        entry.Description.StartsWith("Rollback to ", StringComparison.Ordinal)
        && int.TryParse(entry.Description.AsSpan("Rollback to ".Length).TrimEnd(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var to)
            ? to
            : null;

    // The migration guard of a rollback by hand: a migration hook that completed in a revision the rollback goes back over
    // stays applied (the release record of each says: helm status, hooks[].last_run), so the target's code meets a newer
    // schema; said first, with whether the target has a pre-rollback hook (a down migration) that the rollback runs.
    private async Task WarnAboutCrossedMigrationsAsync(ReleaseHistory history, HistoryEntry target)
    {
        var selection = MigrationHookSelection.From(request.MigrationHooks);
        if (selection.Disabled)
        {
            return;
        }

        // Revisions written by an upgrade after the target (a "Rollback to N" revision runs pre-rollback hooks, not migrations).
        var crossed = history.Entries
            .Where(e => e.Revision > target.Revision && RollbackTarget(e) is null && e.Status is not ReleaseStatus.PendingInstall)
            .Select(e => e.Revision)
            .ToList();
        var ran = new List<(int Revision, MigrationHookRun Hook)>();
        foreach (var revision in crossed)
        {
            try
            {
                ran.AddRange(MigrationHooks.RanIn(await helm.StatusJsonAsync(request.Target, revision, cancellationToken), selection)
                    .Where(h => h.Completed).Select(h => (revision, h)));
            }
            catch (Exception e) when (e is HelmCommandException or FormatException)
            {
                outcome.Warning($"could not read revision {revision}'s release record for migration hooks: {TextFormat.OneLine(outcome.Masker.Mask(e.Message))}");
            }
        }

        if (ran.Count == 0)
        {
            return;
        }

        IReadOnlyList<string>? downs = null;
        try
        {
            downs = MigrationGuard.PreRollbackHooks(HookManifest.Parse(await helm.GetHooksAsync(request.Target, target.Revision, cancellationToken)));
        }
        catch (Exception e) when (e is HelmCommandException or FormatException)
        {
            // Unknown: the sentence says so.
        }

        var which = string.Join(", ", ran.Select(r => $"`{r.Hook.Hook}` (revision {r.Revision})"));
        var down = downs is null
            ? $"revision {target.Revision}'s hooks could not be read, so whether a down migration runs is unknown"
            : downs.Count == 0
                ? $"revision {target.Revision} has no pre-rollback hook (no down migration runs)"
                : $"revision {target.Revision}'s pre-rollback hook{(downs.Count == 1 ? "" : "s")} {string.Join(", ", downs.Select(d => $"`{d}`"))} run{(downs.Count == 1 ? "s" : "")} first";
        var warning = $"the rollback to revision {target.Revision} goes back over migration hook{(ran.Count == 1 ? "" : "s")} {which} that completed: " +
            $"it restores revision {target.Revision}'s code, not the schema; {down}";
        outcome.Warning(warning);
    }

    // helm rollback --wait with the watcher beside it. helm rollback ignores SIGINT (both majors, measured), so a fatal
    // state in the target's pods kills it: the revision it wrote stays pending-rollback, which the put-back writes over.
    private async Task<HelmProcessResult> RollBackWatchedAsync(int target)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        outcome.Mark($"rollback to revision {target} started");
        var startedAt = outcome.Time.GetUtcNow();
        outcome.Mutating();
        var running = helm.RunMutatingKilledOnCancelAsync(HelmArguments.Rollback(_upgrade, _version, target, request.Timeout), interrupt.Token);
        _watcher = pending is null ? null : await pending.JoinAsync(running, startedAt, outcome);
        if (_watcher is not null && await PendingWatcher.FatalWhileAsync(_watcher, running) is { } diagnosis)
        {
            outcome.Diagnosis = diagnosis;
            outcome.Mark("first fatal state: " + diagnosis.Summary);
            log.Warning($"fail-fast: {outcome.Masker.Mask(diagnosis.Summary)}; stopping helm rollback (it ignores SIGINT, so it is killed)");
            await interrupt.CancelAsync();
        }

        var rollback = await running;
        if (rollback.Succeeded)
        {
            outcome.Diagnosis = null; // helm's wait ended first: what the watcher saw last did not stop the rollout
        }
        else if (_watcher is not null && outcome.Diagnosis is null)
        {
            outcome.Diagnosis = await _watcher.DiagnoseAsync(CancellationToken.None);
        }

        outcome.Mark(rollback.Cancelled ? "helm rollback stopped" : rollback.Succeeded ? "helm reported success" : "helm reported failure");
        return rollback;
    }

    // After helm's wait: a StatefulSet whose pods the controller does not replace by itself (OnDelete, or a broken pod
    // under OrderedReady) would still run the revision rolled back from.
    private async Task<Verdict> StuckPodsReplacedAsync(int target)
    {
        var success = new Verdict(DeployResult.Succeeded, null);
        if (_watcher is null || _watcher.StuckPods(StuckPodScope.Any) is not { Count: > 0 } stuck)
        {
            return success;
        }

        if (!request.ForceRollbackPods)
        {
            outcome.Stuck(stuck);
            return new Verdict(DeployResult.RollbackFailed,
                $"revision {target} is deployed but StatefulSet pods still run the revision rolled back from ({string.Join(", ", stuck.Select(p => p.Pod))}): " +
                string.Join("; ", stuck.Select(p => p.DeleteCommand(request.Namespace))) + ", or roll back with force-rollback-pods on");
        }

        var started = outcome.Time.GetUtcNow();
        var (replaced, ready) = await _watcher.ReplaceStuckPodsNowAsync(StuckPodScope.Any, request.EffectiveRollbackTimeout, CancellationToken.None);
        outcome.Replaced(replaced, "the revision rolled back from");
        outcome.Phase("force-rollback-pods", started, outcome.Time.GetUtcNow());
        if (ready)
        {
            return success;
        }

        outcome.Stuck(_watcher.StuckPods(StuckPodScope.Any));
        return new Verdict(DeployResult.RollbackFailed, $"revision {target} is deployed but its StatefulSets were not Ready again after their pods of the revision rolled back from were replaced");
    }

    // The target did not come up: what ran before the rollback is put back (and with it any pending lock cleared).
    private async Task<Verdict> PutBackAsync(ReleaseHistory before, string why, HelmProcessResult failed)
    {
        var current = before.Latest!;
        var putBack = current.IsPending ? before.Deployed ?? before.LastGood : current;
        if (putBack is null)
        {
            return new Verdict(DeployResult.RollbackFailed, why + "; there is no revision to put back: the cluster needs a person", failed);
        }

        outcome.Action($"the rollback to revision {outcome.TargetRevision} did not come up; putting back revision {putBack.Revision}, which ran before");
        outcome.Mark($"put back revision {putBack.Revision} started");
        HelmProcessResult restore = failed;
        ReleaseHistory? final = null;
        using (log.Group($"helm rollback {request.Release} {putBack.Revision}"))
        using (outcome.Phase("put-back"))
        {
            for (var attempt = 1; ; attempt++)
            {
                outcome.Mutating();
                restore = await helm.RunMutatingAsync(
                    HelmArguments.Rollback(_upgrade, _version, putBack.Revision, request.EffectiveRollbackTimeout), CancellationToken.None);
                if (restore.Succeeded || attempt > retry.MaxRetries || !HelmErrorClassifier.MentionsTransient(restore.StandardError))
                {
                    break;
                }

                await Task.Delay(retry.BaseDelay, outcome.Time, CancellationToken.None);
            }

            final = (await HelmSteps.TryReadHistoryAsync(helm, request.Target, CancellationToken.None)).History;
            if (final is not null)
            {
                outcome.History = final;
            }
        }

        if (restore.Succeeded && final is not null && HelmSteps.IsRollbackTo(final, putBack.Revision, current.Revision))
        {
            outcome.RestoredRevision = final.Latest!.Revision;
            outcome.Mark($"revision {putBack.Revision} put back as revision {final.Latest.Revision}");
            return new Verdict(DeployResult.RollbackFailed, $"{why}; revision {putBack.Revision}, which ran before, was put back as revision {final.Latest.Revision}", failed);
        }

        var lockHint = final?.PendingLock is { } locked
            ? $"; revision {locked.Revision} is left {locked.Status}: helm rollback {request.Release} {putBack.Revision} -n {request.Namespace} clears it"
            : string.Empty;
        return new Verdict(DeployResult.RollbackFailed,
            $"{why}; putting back revision {putBack.Revision} failed too ({(restore.Succeeded ? "it is not what is deployed" : TextFormat.FirstLine(outcome.Masker.Mask(restore.ErrorText)))}): the cluster needs a person{lockHint}",
            failed);
    }

    private string Why(HelmProcessResult rollback, int target)
    {
        var cause = outcome.Diagnosis is { } diagnosis
            ? DeploySession.Explain(diagnosis)
            : rollback.Succeeded
                ? "helm reported success but the target's content is not what is deployed"
                : HelmErrorClassifier.Cause(outcome.Masker.Mask(rollback.ErrorText)) ?? $"helm exited with code {rollback.ExitCode}";
        return $"the rollback to revision {target} failed: {cause}";
    }

    private async Task StopWatcherAsync()
    {
        if (_watcher is { } watcher)
        {
            _watcher = null;
            await PendingWatcher.StopAsync(watcher, outcome);
        }
    }
}
