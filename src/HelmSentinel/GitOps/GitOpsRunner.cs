using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.GitOps;

/// <summary>What the runner does when the revision fails, given by the entry point (which knows Git and the platform).</summary>
public sealed record GitOpsActions
{
    /// <summary>Makes the revert (pull request or push) with the diagnosis as its text; null when the request asks for none.</summary>
    public Func<GitOpsOutcome, CancellationToken, Task<GitOpsRevertReport>>? Revert { get; init; }

    /// <summary>Asks Argo CD to roll back to a history entry; returns one line saying what it did. Null when not asked.</summary>
    public Func<AppHistoryEntry, CancellationToken, Task<string>>? ArgoCdRollback { get; init; }
}

/// <summary>
/// Runs one GitOps watch: reads the application until the decision (<see cref="GitOpsWatch"/>) is made, then, on failure,
/// the Argo CD rollback and the revert the request asks for. Never throws for an unhealthy revision or an unreachable
/// source: every ending is an outcome.
/// </summary>
/// <param name="log">The live log.</param>
/// <param name="time">The clock (a manual one in tests).</param>
public sealed class GitOpsRunner(IDeployLog log, TimeProvider time)
{
    /// <summary>Watches <paramref name="source"/> and acts.</summary>
    /// <param name="request">What to watch for and what to do.</param>
    /// <param name="source">Where the readings come from (disposed by the caller).</param>
    /// <param name="actions">The revert and the rollback.</param>
    /// <param name="cancellationToken">Stops the watch (the job was cancelled): the outcome is then NotReverted.</param>
    public async Task<GitOpsOutcome> RunAsync(GitOpsRequest request, IAppSource source, GitOpsActions actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(actions);
        var masker = new SecretMasker(request.Secrets);
        var outcome = new GitOpsOutcome { Request = request, Result = GitOpsResult.NotReverted, Source = source.Name, Masker = masker };
        log.Info(masker.Mask($"watching {source.Name} for revision {GitOpsWatch.Short(request.Revision)}: done when synced to it and healthy for " +
            $"{Text.GoDuration.FormatCompact(request.Bake)}; gives up after {Text.GoDuration.FormatCompact(request.Timeout)}"));
        GitOpsWatch watch;
        try
        {
            watch = await WatchAsync(request, source, cancellationToken);
        }
        catch (GitOpsSourceException e)
        {
            var reason = masker.Mask(e.Message);
            log.Error(reason);
            return outcome with
            {
                Result = e.Failure == GitOpsSourceFailure.Unreachable ? GitOpsResult.Unreachable : GitOpsResult.Rejected,
                Reason = reason,
            };
        }

        outcome = outcome with { Watch = watch, Reason = masker.Mask(watch.Reason ?? "") };
        switch (watch.Verdict)
        {
            case GitOpsVerdict.Healthy:
                log.Info(outcome.Reason);
                return outcome with { Result = GitOpsResult.Healthy };
            case GitOpsVerdict.NeverSynced:
                log.Error(outcome.Reason + "; nothing says the revision is bad, so nothing is reverted");
                return outcome with { Result = GitOpsResult.NeverSynced };
        }

        log.Error("revision " + GitOpsWatch.Short(request.Revision) + " failed: " + outcome.Reason);
        if (actions.ArgoCdRollback is { } rollback)
        {
            outcome = outcome with { ArgoCdRollback = masker.Mask(await ArgoCdRollbackAsync(watch, rollback, cancellationToken)) };
            log.Info(outcome.ArgoCdRollback!);
        }

        if (request.Revert == RevertMode.None || actions.Revert is null)
        {
            log.Info("revert none: the revert is left to a person (git revert -m 1 " + request.Revision + ")");
            return outcome with { Result = GitOpsResult.NotReverted };
        }

        GitOpsRevertReport revert;
        try
        {
            // The revert's text (the pull request's body) describes the failure as the revert will have left it.
            var reverting = outcome with
            {
                Result = GitOpsResult.Reverted,
                Revert = new GitOpsRevertReport(true, request.Revert == RevertMode.Push ? "a revert commit pushed to the branch" : "this pull request reverts it"),
            };
            revert = await actions.Revert(reverting, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            revert = new GitOpsRevertReport(false, "the revert failed: " + Text.TextFormat.FirstLine(masker.Mask(e.Message)));
        }

        revert = revert with { Summary = masker.Mask(revert.Summary) };
        if (revert.Reverted)
        {
            log.Info(revert.Summary);
        }
        else
        {
            log.Error(revert.Summary);
        }

        return outcome with { Revert = revert, Result = revert.Reverted ? GitOpsResult.Reverted : GitOpsResult.NotReverted };
    }

    private async Task<GitOpsWatch> WatchAsync(GitOpsRequest request, IAppSource source, CancellationToken cancellationToken)
    {
        var watch = GitOpsWatch.Start(request.Times, time.GetUtcNow());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<AppObservation>? next = null;
        try
        {
            while (watch.Verdict is null)
            {
                next ??= source.NextAsync(stop.Token);
                var wait = watch.NextDeadline()!.Value - time.GetUtcNow();
                if (!next.IsCompleted && wait > TimeSpan.Zero)
                {
                    using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.WhenAny(next, Task.Delay(wait, time, timer.Token));
                    await timer.CancelAsync();
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (next.IsCompleted)
                {
                    var reading = await next;
                    next = null;
                    var marks = watch.Timeline.Count;
                    watch = watch.Observe(reading);
                    Log(watch, marks);
                    continue;
                }

                var before = watch.Timeline.Count;
                watch = watch.At(time.GetUtcNow());
                Log(watch, before);
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (next is not null)
            {
                try
                {
                    await next;
                }
                catch (Exception)
                {
                    // The pending read ends with the watch; its result or error no longer matters.
                }
            }
        }

        return watch;
    }

    private void Log(GitOpsWatch watch, int from)
    {
        foreach (var mark in watch.Timeline.Skip(from))
        {
            log.Info($"+{Text.GoDuration.FormatCompact(mark.At - watch.Started)} {mark.What}");
        }
    }

    private static async Task<string> ArgoCdRollbackAsync(GitOpsWatch watch, Func<AppHistoryEntry, CancellationToken, Task<string>> rollback, CancellationToken cancellationToken)
    {
        var last = watch.Last;
        if (last is null)
        {
            return "Argo CD rollback: not tried, the application was never read";
        }

        if (last.AutomatedSync)
        {
            return "Argo CD rollback: not tried, the application has automated sync (Argo CD refuses a rollback then; the revert is the way back)";
        }

        // The newest history entry that is not the failed revision: the last one that ran before it.
        var target = last.History.LastOrDefault(h => !h.Revision.StartsWith(watch.Times.Revision, StringComparison.OrdinalIgnoreCase));
        if (target is null)
        {
            return "Argo CD rollback: not tried, the history holds no entry before revision " + GitOpsWatch.Short(watch.Times.Revision);
        }

        try
        {
            return await rollback(target, cancellationToken);
        }
        catch (GitOpsSourceException e)
        {
            return $"Argo CD rollback to history {target.Id} ({GitOpsWatch.Short(target.Revision)}) failed: {e.Message}";
        }
    }
}
