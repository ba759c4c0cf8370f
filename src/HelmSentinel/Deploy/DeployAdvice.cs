using System.Globalization;
using HelmSentinel.Helm;

namespace HelmSentinel.Deploy;

/// <summary>
/// Advice from what a deploy already knows: the release's recent history, its settings and the rollout it measured
/// (<see cref="RolloutAdvice"/>). Advice never changes a result; the reports show it in an "Advice" section, left out
/// when there is none. Pure.
/// </summary>
/// <remarks>The history's likely causes use the measured rollout: when upgrades ran out of time, this deploy's successful
/// rollout tells a timeout too short for the rollout (it took at least <see cref="RolloutAdvice.TimeoutShareWorthAdvice"/>
/// of it) from pods that never get Ready (it took less); when most bad upgrades succeeded and were rolled back after, the
/// verification checks are the likely cause.</remarks>
public static class DeployAdvice
{
    /// <summary>How many of the newest upgrades the history advice looks at.</summary>
    public const int Window = 10;

    /// <summary>Above this many revisions kept, each one a Secret the size of the release, the history is worth a word.</summary>
    public const int LargeHistoryMax = 50;

    private const string RollbackPrefix = "Rollback to ";

    /// <summary>The advice for a deploy of <paramref name="request"/> whose release history is <paramref name="history"/>
    /// (oldest first) and whose own rollout measured <paramref name="rollout"/> (nothing when null).</summary>
    public static IReadOnlyList<string> From(DeployRequest request, IReadOnlyList<HistoryEntry> history, MeasuredRollout? rollout = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(history);
        rollout ??= MeasuredRollout.None;
        var advice = new List<string>();
        if (History(history, rollout, request.Timeout) is { } fromHistory)
        {
            advice.Add(fromHistory);
        }

        advice.AddRange(RolloutAdvice.From(rollout, request.Timeout));

        if (request.HistoryMax == 0)
        {
            advice.Add("history-max 0 keeps every revision, each a Secret holding the whole release in the namespace: a limit such as 10 keeps that growth bounded (and helm history fast)");
        }
        else if (request.HistoryMax > LargeHistoryMax)
        {
            advice.Add($"history-max {request.HistoryMax.ToString(CultureInfo.InvariantCulture)} keeps that many revisions, each a Secret holding the whole release: more than {LargeHistoryMax} is rarely needed to roll back");
        }

        return advice;
    }

    // An upgrade is a revision helm wrote for an install or an upgrade (not a rollback); it went wrong when it failed, or
    // when it succeeded and the next revision is a rollback (a failed verification, or a person).
    private static string? History(IReadOnlyList<HistoryEntry> history, MeasuredRollout rollout, TimeSpan timeout)
    {
        var upgrades = new List<(HistoryEntry Entry, bool Failed, bool RolledBack)>();
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            if (entry.Description.StartsWith(RollbackPrefix, StringComparison.Ordinal) || entry.IsPending)
            {
                continue;
            }

            var failed = entry.Status == ReleaseStatus.Failed;
            var rolledBack = !failed && i + 1 < history.Count && history[i + 1].Description.StartsWith(RollbackPrefix, StringComparison.Ordinal);
            upgrades.Add((entry, failed, rolledBack));
        }

        var recent = upgrades.TakeLast(Window).ToList();
        var bad = recent.Where(u => u.Failed || u.RolledBack).ToList();
        if (recent.Count < 3 || bad.Count * 2 <= recent.Count)
        {
            return null;
        }

        var timeouts = bad.Count(u => u.Failed && u.Entry.Description.Contains("context deadline exceeded", StringComparison.Ordinal));
        var stopped = bad.Count(u => u.Failed && u.Entry.Description.Contains("context canceled", StringComparison.Ordinal));
        var after = bad.Count(u => u.RolledBack);
        var other = bad.Count - timeouts - stopped - after;
        var causes = new List<string>();
        if (timeouts > 0)
        {
            causes.Add($"{timeouts} ran out of time (context deadline exceeded: the rollout takes longer than the timeout, or its pods never get Ready)");
        }

        if (stopped > 0)
        {
            causes.Add($"{stopped} {Were(stopped)} stopped when their pods broke (context canceled: crash, image pull, configuration)");
        }

        if (after > 0)
        {
            causes.Add($"{after} succeeded and {Were(after)} rolled back after (a failing verification check, or by hand: if healthy releases fail the checks, relax their thresholds)");
        }

        if (other > 0)
        {
            causes.Add($"{other} failed otherwise");
        }

        return $"{bad.Count} of the last {recent.Count} upgrades of this release failed or were rolled back: {string.Join("; ", causes)}" +
               (timeouts > 0 ? TimeoutCause(rollout, timeout) : "") +
               (stopped > 0 ? ". Try the image before it reaches this environment (a verify document, a staging stage)" : "") +
               (after * 2 > bad.Count ? ". Most of them passed helm and failed after: the verification checks are likely too sensitive for this release" : "");
    }

    private static string TimeoutCause(MeasuredRollout rollout, TimeSpan timeout)
    {
        var measured = rollout.Duration is { } took ? $". This rollout took {RolloutAdvice.Compact(took)} of the {RolloutAdvice.Compact(timeout)} timeout: " : "";
        return RolloutAdvice.NearTimeout(rollout, timeout) switch
        {
            true => measured + "the timeout is likely shorter than the rollout; raise it",
            false => measured + "the timeouts more likely came from pods that never got Ready than from a short timeout",
            null => ". Compare the timeout with how long a healthy rollout takes here",
        };
    }

    private static string Were(int count) => count == 1 ? "was" : "were";
}
