namespace HelmSentinel.GitOps;

/// <summary>The times a GitOps watch is judged by.</summary>
/// <param name="Revision">The Git revision that was merged (a full or abbreviated SHA).</param>
/// <param name="Bake">How long the application must stay healthy at the revision, without a break, to be done.</param>
/// <param name="Timeout">How long the whole watch may take, from its start.</param>
/// <param name="ProgressingTimeout">How long the application may stay not healthy (Progressing, Missing, Unknown) after
/// it synced to the revision before that counts as failed: Argo CD keeps a crash-looping Deployment Progressing until its
/// progress deadline (600 s by default) and never marks a StatefulSet Degraded.</param>
public sealed record GitOpsTimes(string Revision, TimeSpan Bake, TimeSpan Timeout, TimeSpan ProgressingTimeout);

/// <summary>How a GitOps watch ended.</summary>
public enum GitOpsVerdict
{
    /// <summary>Synced to the revision and healthy for the whole bake.</summary>
    Healthy,

    /// <summary>Synced to the revision, then failed: degraded, a failed operation, or not healthy in time.</summary>
    Failed,

    /// <summary>The timeout ran out before the application synced to the revision: nothing says the revision is bad.</summary>
    NeverSynced,
}

/// <summary>
/// Where a GitOps watch stands, as a value: each reading and each passing deadline makes the next one. Pure, so that the
/// rules (the false pass at the old revision, the bake that starts again after a break, the progressing timeout) are
/// tested on scripted readings and a clock that is only a number.
/// </summary>
public sealed record GitOpsWatch
{
    private GitOpsWatch(GitOpsTimes times, DateTimeOffset started)
    {
        Times = times;
        Started = started;
    }

    /// <summary>The times it is judged by.</summary>
    public GitOpsTimes Times { get; }

    /// <summary>When the watch started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The latest reading; null before the first.</summary>
    public AppObservation? Last { get; private init; }

    /// <summary>When the application was first seen synced to the revision; null until then.</summary>
    public DateTimeOffset? SyncedAt { get; private init; }

    /// <summary>Since when it has been healthy at the revision without a break; null while it is not.</summary>
    public DateTimeOffset? HealthySince { get; private init; }

    /// <summary>How it ended; null while it is still watched.</summary>
    public GitOpsVerdict? Verdict { get; private init; }

    /// <summary>Why it ended, one line for the headline; null while it is still watched.</summary>
    public string? Reason { get; private init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; private init; }

    /// <summary>What happened, in order: every change of sync state or health, and the ending.</summary>
    public IReadOnlyList<GitOpsMark> Timeline { get; private init; } = [];

    /// <summary>A watch that starts now.</summary>
    /// <param name="times">The times it is judged by.</param>
    /// <param name="now">Its start.</param>
    public static GitOpsWatch Start(GitOpsTimes times, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(times);
        return new GitOpsWatch(times, now) { Timeline = [new GitOpsMark(now, $"watching for revision {Short(times.Revision)}")] };
    }

    /// <summary>The watch after a reading.</summary>
    /// <param name="reading">The application as read.</param>
    public GitOpsWatch Observe(AppObservation reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (Verdict is not null)
        {
            return this;
        }

        var at = reading.At;
        var next = this with { Last = reading, Timeline = Changed(reading) ? [.. Timeline, new GitOpsMark(at, Describe(reading))] : Timeline };
        if (reading.Failure is { } failure)
        {
            // A failure the source reports for the wanted revision: a sync to it that failed is not "at" it, and failed all the same.
            return (next with { SyncedAt = SyncedAt ?? at }).End(GitOpsVerdict.Failed, at, failure);
        }

        if (!reading.AtRevision)
        {
            // Not (or no longer) at the revision: a new operation for it, or a newer commit. Health says nothing about it.
            return next.Due(at) ?? next with { HealthySince = null };
        }

        next = next with { SyncedAt = SyncedAt ?? at };

        if (reading.Health == AppHealth.Degraded)
        {
            return next.End(GitOpsVerdict.Failed, at, "the application is Degraded at revision " + Short(Times.Revision) + DegradedResources(reading));
        }

        next = reading.Health == AppHealth.Healthy
            ? next with { HealthySince = HealthySince ?? at }
            : next with { HealthySince = null };
        return next.Due(at) ?? next;
    }

    /// <summary>The watch at <paramref name="now"/>, when no reading came: a bake that is over, or a deadline passed.</summary>
    /// <param name="now">The time now.</param>
    public GitOpsWatch At(DateTimeOffset now) => Verdict is null ? Due(now) ?? this : this;

    /// <summary>When the watch must be looked at again even if no reading comes: the bake's end, the progressing
    /// timeout, or the timeout, whichever is first. Null once it has ended.</summary>
    public DateTimeOffset? NextDeadline()
    {
        if (Verdict is not null)
        {
            return null;
        }

        var deadline = Started + Times.Timeout;
        if (HealthySince is { } healthy && healthy + Times.Bake < deadline)
        {
            deadline = healthy + Times.Bake;
        }
        else if (SyncedAt is { } synced && HealthySince is null && Last?.AtRevision == true && synced + Times.ProgressingTimeout < deadline)
        {
            deadline = synced + Times.ProgressingTimeout;
        }

        return deadline;
    }

    /// <summary>The first 7 characters of a SHA, as Git shows it; anything else (a tag, a chart version) as it is.</summary>
    /// <param name="revision">A revision.</param>
    public static string Short(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return revision.Length > 7 && revision.All(char.IsAsciiHexDigit) ? revision[..7] : revision;
    }

    private GitOpsWatch? Due(DateTimeOffset now)
    {
        if (HealthySince is { } healthy && now >= healthy + Times.Bake)
        {
            return End(GitOpsVerdict.Healthy, now, $"healthy at revision {Short(Times.Revision)} for the whole bake ({Text.GoDuration.FormatCompact(Times.Bake)})");
        }

        if (SyncedAt is { } synced && HealthySince is null && Last?.AtRevision == true && now >= synced + Times.ProgressingTimeout)
        {
            return End(GitOpsVerdict.Failed, now,
                $"not healthy {Text.GoDuration.FormatCompact(Times.ProgressingTimeout)} after the sync to revision {Short(Times.Revision)} (health {Last.Health})" + DegradedResources(Last));
        }

        if (now >= Started + Times.Timeout)
        {
            return SyncedAt is null
                ? End(GitOpsVerdict.NeverSynced, now, $"never synced to {Short(Times.Revision)} within {Text.GoDuration.FormatCompact(Times.Timeout)}" +
                    (Last?.Revision is { Length: > 0 } at ? $" (still at {Short(at)})" : ""))
                : End(GitOpsVerdict.Failed, now, $"not healthy at revision {Short(Times.Revision)} within {Text.GoDuration.FormatCompact(Times.Timeout)} (health {Last?.Health})");
        }

        return null;
    }

    private GitOpsWatch End(GitOpsVerdict verdict, DateTimeOffset at, string reason) => this with
    {
        Verdict = verdict,
        Reason = reason,
        EndedAt = at,
        Timeline = [.. Timeline, new GitOpsMark(at, verdict switch
        {
            GitOpsVerdict.Healthy => "done: " + reason,
            GitOpsVerdict.NeverSynced => "gave up: " + reason,
            _ => "failed: " + reason,
        })],
    };

    private bool Changed(AppObservation reading) =>
        Last is null || Last.Sync != reading.Sync || Last.Health != reading.Health || Last.AtRevision != reading.AtRevision;

    private string Describe(AppObservation reading) =>
        $"{(reading.Sync.Length > 0 ? reading.Sync : "no sync state")}; {reading.Health}" +
        (reading.AtRevision ? $" at revision {Short(Times.Revision)}" : "");

    private static string DegradedResources(AppObservation reading)
    {
        var bad = reading.Resources.Where(r => r.Health is AppHealth.Degraded or AppHealth.Missing or AppHealth.Progressing).Take(3).ToList();
        return bad.Count == 0
            ? ""
            : ": " + string.Join("; ", bad.Select(r => $"{r} {r.Health}{(string.IsNullOrEmpty(r.Message) ? "" : " (" + r.Message + ")")}"));
    }
}

/// <summary>One entry of a GitOps watch's timeline.</summary>
/// <param name="At">When.</param>
/// <param name="What">What happened.</param>
public sealed record GitOpsMark(DateTimeOffset At, string What);
