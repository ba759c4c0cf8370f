using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// One validated deploy, as its phases: detect helm, read the history, clear a stale lock, clean a failed first
/// install, upgrade (with the watcher), verify, and restore. Each phase returns what the next continues with, or the
/// outcome the deploy ended with.
/// </summary>
internal sealed class DeploySession(
    DeployRequest request, HelmCli helm, OutcomeBuilder outcome, IDeployLog log, PendingWatcher? pending, CancellationToken cancellationToken)
{
    private readonly HelmUpgrade _upgrade = request.ToHelmUpgrade();
    private HelmVersion _version = null!;

    public async Task<DeployOutcome> RunAsync()
    {
        if ((await DetectHelmAsync()).Ended(out var ended, out _version))
        {
            return ended;
        }

        if ((await ReadHistoryAsync()).Ended(out ended, out var history)
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
            outcome.CurrentRevision = deployed?.Revision;
            outcome.AttemptedRevision ??= deployed?.Revision;
            outcome.After = deployed is null ? null : new ChartSnapshot(deployed.Chart, deployed.AppVersion);
            outcome.Mark($"deployed at revision {deployed?.Revision}");
            return outcome.End(DeployResult.Succeeded, null);
        }

        var reason = FailureReason(upgrade);
        if (created.Count == 0 && SameLatest(history, after) && HelmErrorClassifier.Classify(upgrade.StandardError) is not HelmErrorClass.Uninstalled)
        {
            // Nothing was written: helm stopped before creating a revision (render, schema, lock, or an unreachable cluster).
            outcome.CurrentRevision = after.Deployed?.Revision;
            outcome.After = outcome.Before;
            return outcome.End(HelmRetry.IsTransientFailure(upgrade) ? DeployResult.Unreachable : DeployResult.Rejected, reason + " (nothing was changed)", upgrade);
        }

        using (outcome.Phase("rollback"))
        {
            return before.FirstInstall
                ? await EnsureUninstalledAsync(after, reason, upgrade)
                : await EnsureRestoredAsync(before.LastGood, after, reason, upgrade);
        }
    }

    private async Task<Step<HelmVersion>> DetectHelmAsync()
    {
        using (outcome.Phase("detect-helm"))
        {
            HelmVersion version;
            try
            {
                version = await helm.VersionAsync(cancellationToken);
            }
            catch (Exception e) when (e is HelmNotFoundException or FormatException)
            {
                return outcome.End(DeployResult.Unreachable, e.Message);
            }

            outcome.HelmVersion = version.Text;
            if (!version.IsSupported)
            {
                return outcome.End(DeployResult.Unreachable, new UnsupportedHelmVersionException(version).Message);
            }

            log.Info($"helm {version.Text} (Helm {version.Major} dialect)");
            return Step<HelmVersion>.Continue(version);
        }
    }

    private async Task<Step<ReleaseHistory>> ReadHistoryAsync()
    {
        using (outcome.Phase("read-history"))
        {
            var read = await TryReadHistoryAsync(cancellationToken);
            if (read.History is not { } history)
            {
                return outcome.End(DeployResult.Unreachable, read.Error ?? "cannot read the release history");
            }

            outcome.History = history;
            return Step<ReleaseHistory>.Continue(history);
        }
    }

    // A pending-* revision left by a killed helm: refuse while a live helm may hold it, clear it when it is provably stale.
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
                return outcome.End(DeployResult.Rejected, decision.Action switch
                {
                    LockAction.FailInProgress => "another deploy seems to be in progress: " + decision.Explanation,
                    LockAction.FailNoRecovery => decision.Explanation + " (recover-stale-lock is off, so nothing was done)",
                    _ => decision.Explanation,
                });
            }

            outcome.Action("stale lock: " + decision.Explanation);
            var cleared = await helm.RunMutatingAsync(
                decision.Action == LockAction.RollbackToLastGood
                    ? HelmArguments.Rollback(_upgrade, _version, decision.TargetRevision!.Value, request.EffectiveRollbackTimeout)
                    : HelmArguments.Uninstall(request.Target, _version, keepHistory: true, request.EffectiveRollbackTimeout),
                cancellationToken);
            if (!cleared.Succeeded)
            {
                return outcome.End(DeployResult.RollbackFailed, "could not clear the stale lock: " + outcome.Masker.Mask(cleared.ErrorText), cleared);
            }

            var read = await TryReadHistoryAsync(cancellationToken);
            if (read.History is not { } recovered)
            {
                return outcome.End(DeployResult.Unreachable, "the lock was cleared but the history cannot be read: " + read.Error);
            }

            outcome.History = recovered;
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
            var removed = await helm.RunMutatingAsync(
                HelmArguments.Uninstall(request.Target, _version, keepHistory: false, request.EffectiveRollbackTimeout), CancellationToken.None);
            if (!removed.Succeeded)
            {
                return outcome.End(DeployResult.RollbackFailed, "could not remove the failed release: " + outcome.Masker.Mask(removed.ErrorText), removed);
            }

            var clean = (await TryReadHistoryAsync(CancellationToken.None)).History ?? ReleaseHistory.Empty;
            outcome.History = clean;
            return Step<ReleaseHistory>.Continue(clean);
        }
    }

    /// <summary>Runs <c>helm upgrade --install</c>; with fail-fast, a rollout watcher runs beside it and a fatal pod state
    /// interrupts helm (SIGINT: both majors then mark the revision failed and roll back by themselves, see
    /// Kubernetes/SIGNALS.md). The verify phase that follows makes sure of the end state either way.</summary>
    private async Task<HelmProcessResult> UpgradeAsync(bool firstInstall)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        outcome.Mark(firstInstall ? "install started" : "upgrade started");
        var startedAt = outcome.Time.GetUtcNow();
        var running = helm.RunMutatingAsync(HelmArguments.Upgrade(_upgrade, _version), interrupt.Token);

        // Helm starts at once; the watcher joins as soon as its first lists are in (see RolloutWatcher.UpgradeStarted).
        // A helm that succeeds before then does not wait for it; one that fails does, for the diagnosis.
        RolloutWatcher? watcher = null;
        if (pending is not null && (await Task.WhenAny(running, pending.Start) == pending.Start || !(await running).Succeeded))
        {
            var start = await pending.Start;
            if (start.Error is { } cannotStart)
            {
                outcome.Warning(cannotStart);
            }

            watcher = start.Watcher;
            watcher?.UpgradeStarted(startedAt);
        }

        if (watcher is not null && await Task.WhenAny(running, watcher.Fatal) != running && watcher.Fatal.IsCompletedSuccessfully)
        {
            var diagnosis = await watcher.Fatal;
            outcome.Diagnosis = diagnosis;
            outcome.Mark("first fatal state: " + diagnosis.Summary);
            log.Warning($"fail-fast: {outcome.Masker.Mask(diagnosis.Summary)}; interrupting helm so that the release returns to its last good revision now");
            await interrupt.CancelAsync();

            // SIGINT makes both majors mark the revision failed and start their atomic rollback at once (SIGNALS.md).
            outcome.Mark("rollback started: helm interrupted, its atomic rollback runs");
        }

        var upgrade = await running;
        if (upgrade.Succeeded)
        {
            outcome.Diagnosis = null; // helm finished first: whatever the watcher saw last did not stop the rollout
        }

        outcome.Mark(upgrade.Cancelled ? (outcome.Diagnosis is { Fatal: true } ? "helm exited after its own rollback" : "helm interrupted")
            : upgrade.Succeeded ? "helm reported success" : "helm reported failure");
        if (watcher is not null)
        {
            if (!upgrade.Succeeded && outcome.Diagnosis is null)
            {
                outcome.Diagnosis = await watcher.DiagnoseAsync(CancellationToken.None);
            }

            await watcher.DisposeAsync();
            foreach (var warning in watcher.Warnings)
            {
                outcome.Warning(warning);
            }
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
                return outcome.End(
                    upgrade.Succeeded ? DeployResult.Unreachable : DeployResult.RollbackFailed,
                    "the upgrade " + (upgrade.Succeeded ? "reported success" : "failed") + " but the history cannot be read: " + read.Error,
                    upgrade);
            }

            outcome.History = after;
            return Step<ReleaseHistory>.Continue(after);
        }
    }

    private async Task<DeployOutcome> EnsureUninstalledAsync(ReleaseHistory after, string reason, HelmProcessResult upgrade)
    {
        if (after.IsFirstInstall)
        {
            outcome.Mark("failed install removed");
            outcome.Uninstalled = true;
            outcome.Action("the failed first install was removed by Helm; nothing of it is left in the cluster");
            return outcome.End(DeployResult.RolledBack, reason, upgrade);
        }

        outcome.Action($"Helm left the failed first install as revision {after.Latest!.Revision} ({after.Latest.Status}); uninstalling it");
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
            return outcome.End(DeployResult.RolledBack, reason, upgrade);
        }

        return outcome.End(DeployResult.RollbackFailed, reason + "; removing the failed install also failed: " + outcome.Masker.Mask(removed.ErrorText), upgrade);
    }

    private async Task<DeployOutcome> EnsureRestoredAsync(HistoryEntry? lastGood, ReleaseHistory after, string reason, HelmProcessResult upgrade)
    {
        if (lastGood is null)
        {
            return outcome.End(DeployResult.RollbackFailed, reason + "; the history holds no good revision to return to", upgrade);
        }

        if (IsRestored(after, lastGood))
        {
            outcome.RestoredRevision = after.Latest!.Revision;
            outcome.CurrentRevision = after.Latest.Revision;
            outcome.After = new ChartSnapshot(after.Latest.Chart, after.Latest.AppVersion);
            outcome.Action($"Helm rolled back to revision {lastGood.Revision} as revision {after.Latest.Revision}");
            outcome.Mark($"restored revision {lastGood.Revision} as revision {after.Latest.Revision}");
            return outcome.End(DeployResult.RolledBack, reason, upgrade);
        }

        var latest = after.Latest!;
        outcome.Action(
            $"Helm's own rollback did not leave revision {lastGood.Revision} deployed (latest is revision {latest.Revision}, {latest.Status}); " +
            $"rolling back explicitly with its own timeout of {GoDuration.Format(request.EffectiveRollbackTimeout)}");
        HelmProcessResult rollback;
        outcome.Mark($"explicit rollback to revision {lastGood.Revision} started");
        using (log.Group($"helm rollback {request.Release} {lastGood.Revision}"))
        {
            rollback = await helm.RunMutatingAsync(
                HelmArguments.Rollback(_upgrade, _version, lastGood.Revision, request.EffectiveRollbackTimeout), CancellationToken.None);
        }

        var final = (await TryReadHistoryAsync(CancellationToken.None)).History;
        if (final is not null)
        {
            outcome.History = final;
        }

        if (rollback.Succeeded && final is not null && IsRestored(final, lastGood))
        {
            outcome.RestoredRevision = final.Latest!.Revision;
            outcome.CurrentRevision = final.Latest.Revision;
            outcome.After = new ChartSnapshot(final.Latest.Chart, final.Latest.AppVersion);
            outcome.Mark($"restored revision {lastGood.Revision} as revision {final.Latest.Revision}");
            return outcome.End(DeployResult.RolledBack, reason, upgrade);
        }

        outcome.CurrentRevision = final?.Deployed?.Revision;
        var why = rollback.Succeeded ? "the rollback reported success but the release is not deployed at the restored content" : outcome.Masker.Mask(rollback.ErrorText);
        return outcome.End(DeployResult.RollbackFailed, $"{reason}; the rollback to revision {lastGood.Revision} failed: {why}", upgrade);
    }

    private async Task<HistoryRead> TryReadHistoryAsync(CancellationToken token)
    {
        try
        {
            return new HistoryRead(await helm.HistoryAsync(request.Target, token), null);
        }
        catch (HelmCommandException e)
        {
            return new HistoryRead(null, e.Message);
        }
        catch (FormatException e)
        {
            return new HistoryRead(null, "helm history printed something that is not its JSON: " + e.Message);
        }
    }

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
        }

        return reason;
    }

    private static string Explain(RolloutDiagnosis diagnosis)
    {
        var lastLine = diagnosis.Pods.FirstOrDefault()?.LastLogLines.LastOrDefault();
        return lastLine is null ? diagnosis.Summary : $"{diagnosis.Summary}; last log line: {lastLine.Trim()}";
    }

    // Restored = the newest revision is deployed and is a rollback to the last good one (Helm's atomic
    // rollback and ours both write "Rollback to N").
    private static bool IsRestored(ReleaseHistory history, HistoryEntry lastGood) =>
        history.Latest is { Status: ReleaseStatus.Deployed } latest &&
        latest.Revision > lastGood.Revision &&
        latest.Description.StartsWith($"Rollback to {lastGood.Revision}", StringComparison.Ordinal);

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

    /// <summary>A history read: the history, or why it could not be read.</summary>
    private sealed record HistoryRead(ReleaseHistory? History, string? Error);
}
