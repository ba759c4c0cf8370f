using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;

namespace HelmSentinel.Reporting;

/// <summary>
/// The GitHub-flavoured Markdown report of a deploy (job summary, PR comment): a result banner, a facts
/// table, the failure and helm's error, actions, warnings, phase durations and the release history.
/// Pure: outcome in, string out, secrets masked.
/// </summary>
public static class MarkdownReport
{
    /// <summary>Renders the report; every line ends in <c>\n</c>.</summary>
    public static string Render(DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);

        var md = new StringBuilder();
        md.Append("### ").Append(Icon(outcome.Result)).Append(" helm-sentinel: ")
            .Append(HistoryTable.EscapeInline(TextReport.Headline(outcome))).Append("\n\n");
        AppendFacts(md, outcome);
        AppendFailure(md, outcome, masker);
        AppendDiagnosis(md, outcome.Diagnosis, masker);
        AppendList(md, "Actions", outcome.Actions, masker);
        AppendList(md, "Warnings", outcome.Warnings, masker);
        AppendPhases(md, outcome.Phases);
        AppendTimeline(md, outcome.Timeline, masker);
        md.Append("#### Release history\n\n");
        md.Append(outcome.History.Count == 0
            ? "_No revisions: the release does not exist in the cluster._\n"
            : HistoryTable.RenderMarkdown(TextReport.MaskEntries(outcome.History, masker), TextReport.FailedRevision(outcome), outcome.RestoredRevision));
        return masker.Mask(md.ToString());
    }

    /// <summary>
    /// Cuts <paramref name="markdown"/> to at most <paramref name="maxLength"/> characters (UTF-16 code units, as
    /// GitHub counts a comment body) at a line end, closes a code block left open by the cut and appends a note
    /// saying how much was left out and where to find the rest. Text that fits is returned unchanged.
    /// </summary>
    /// <param name="markdown">The report.</param>
    /// <param name="maxLength">The most characters the result may have; at least 200.</param>
    /// <param name="whereIsTheRest">Ends the note, e.g. <c>the full report is in the run's summary</c>.</param>
    public static string Bound(string markdown, int maxLength, string whereIsTheRest = "the full report is in the run's log")
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 200);
        if (markdown.Length <= maxLength)
        {
            return markdown;
        }

        // Room for the closing fence and the note (the count of cut characters has at most 10 digits).
        var note = $"\n_Report truncated: {{0}} characters left out; {HistoryTable.EscapeInline(HistoryTable.OneLine(whereIsTheRest))}._\n";
        var budget = maxLength - (note.Length + 10) - (3 + 20 + 2);
        if (budget < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(whereIsTheRest), "The note does not leave room for any of the report.");
        }

        var cut = markdown.LastIndexOf('\n', budget - 1);
        var kept = cut < 0 ? string.Empty : markdown[..(cut + 1)];
        string? fence = null;
        foreach (var line in kept.Split('\n'))
        {
            var ticks = line.Length - line.TrimStart('`').Length;
            if (fence is null && ticks >= 3)
            {
                fence = new string('`', ticks);
            }
            else if (fence is not null && ticks >= fence.Length && line.Trim().Trim('`').Length == 0)
            {
                fence = null;
            }
        }

        // A fence longer than the budget for it means the kept part is only that fence's body: drop the block.
        var closing = fence is null ? string.Empty : fence + "\n";
        if (closing.Length > 3 + 20 + 1)
        {
            kept = kept[..kept.LastIndexOf(fence!, StringComparison.Ordinal)];
            closing = string.Empty;
        }

        return kept + closing + string.Format(System.Globalization.CultureInfo.InvariantCulture, note, markdown.Length - kept.Length);
    }

    // A Mermaid timeline of the deploy's marks, times relative to the first: upgrade start, first fatal state,
    // helm interrupted, rollback, restored. Mermaid gives ':' '#' ';' meaning in a timeline, so they are replaced.
    private static void AppendTimeline(StringBuilder md, IReadOnlyList<TimelineEvent> timeline, SecretMasker masker)
    {
        if (timeline.Count == 0)
        {
            return;
        }

        md.Append("#### Timeline\n\n```mermaid\ntimeline\n");
        var start = timeline[0].At;
        foreach (var item in timeline)
        {
            md.Append("    +").Append(GoDuration.FormatCompact(item.At - start)).Append(" : ")
                .Append(MermaidText(masker.Mask(item.What))).Append('\n');
        }

        md.Append("```\n\n");
    }

    /// <summary>One line of text safe as a Mermaid timeline event: no separators, comments or markup; at most 100 characters.</summary>
    internal static string MermaidText(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in HistoryTable.OneLine(text).Replace(": ", " - ", StringComparison.Ordinal))
        {
            builder.Append(c switch
            {
                ':' or ';' or '#' or '%' or '`' or '"' or '<' or '>' or '{' or '}' or '[' or ']' => ' ',
                _ => c,
            });
        }

        var line = string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return line.Length == 0 ? "(event)" : HistoryTable.Cut(line, 100, "…");
    }

    private static string Icon(DeployResult result) => result switch
    {
        DeployResult.Succeeded => "✅",
        DeployResult.RolledBack => "↩️",
        DeployResult.RollbackFailed => "🚨",
        DeployResult.Rejected => "⛔",
        DeployResult.Unreachable => "🔌",
        _ => "❔",
    };

    private static void AppendFacts(StringBuilder md, DeployOutcome outcome)
    {
        md.Append("| | |\n|---|---|\n");
        Row(md, "Release", Code(outcome.Release));
        Row(md, "Namespace", Code(outcome.Namespace));
        if (!string.IsNullOrEmpty(outcome.ChartReference))
        {
            Row(md, "Chart reference", Code(outcome.ChartReference));
        }

        if (outcome.Before is not null || outcome.After is not null)
        {
            Row(md, "Chart", FromTo(outcome.Before?.Chart, outcome.After?.Chart));
            Row(md, "App version", FromTo(outcome.Before?.AppVersion, outcome.After?.AppVersion));
        }
        if (Attempted(outcome) is { } attempted)
        {
            Row(md, "Attempted", $"{Code(attempted.Chart)} (app {Code(attempted.AppVersion)}) as revision {TextReport.Number(attempted.Revision)}");
        }

        Row(md, "Revisions", Revisions(outcome));
        Row(md, "Helm", outcome.HelmVersion is null ? "not reached" : Code(outcome.HelmVersion));
        Row(md, "Duration", GoDuration.FormatCompact(outcome.Duration));
        md.Append('\n');
    }

    // The failed revision's chart, when it differs from what runs now (a failed upgrade to a new chart).
    private static HistoryEntry? Attempted(DeployOutcome outcome)
    {
        if (TextReport.FailedRevision(outcome) is not { } failed)
        {
            return null;
        }

        var entry = outcome.History.FirstOrDefault(e => e.Revision == failed);
        return entry is not null && entry.Chart != outcome.After?.Chart ? entry : null;
    }

    private static string Revisions(DeployOutcome outcome)
    {
        var parts = new List<string>();
        if (outcome.FirstInstall)
        {
            parts.Add("first install");
        }

        AddRevision(parts, "previous", outcome.PreviousRevision);
        AddRevision(parts, "attempted", outcome.AttemptedRevision);
        AddRevision(parts, "restored", outcome.RestoredRevision);
        AddRevision(parts, "current", outcome.CurrentRevision);
        if (outcome.Uninstalled)
        {
            parts.Add("uninstalled");
        }

        return parts.Count == 0 ? "none" : string.Join(" · ", parts);
    }

    private static void AddRevision(List<string> parts, string name, int? revision)
    {
        if (revision is { } value)
        {
            parts.Add($"{name} {TextReport.Number(value)}");
        }
    }

    private static void AppendFailure(StringBuilder md, DeployOutcome outcome, SecretMasker masker)
    {
        var hasReason = !string.IsNullOrWhiteSpace(outcome.FailureReason);
        var hasError = !string.IsNullOrWhiteSpace(outcome.HelmError);
        if (!hasReason && !hasError)
        {
            return;
        }

        md.Append("#### Why\n\n");
        if (hasReason)
        {
            var lines = masker.Mask(outcome.FailureReason).Replace("\r\n", "\n", StringComparison.Ordinal)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length == 1)
            {
                md.Append(HistoryTable.EscapeInline(lines[0])).Append("\n\n");
            }
            else
            {
                foreach (var line in lines)
                {
                    md.Append("- ").Append(HistoryTable.EscapeInline(line)).Append('\n');
                }

                md.Append('\n');
            }
        }

        if (hasError)
        {
            var error = TextReport.BoundHelmError(masker.Mask(outcome.HelmError!.Trim()).Replace("\r\n", "\n", StringComparison.Ordinal));
            var fence = new string('`', Math.Max(3, LongestRun(error, '`') + 1));
            md.Append("Helm said:\n\n").Append(fence).Append("text\n").Append(error).Append('\n').Append(fence).Append("\n\n");
        }
    }

    private static void AppendDiagnosis(StringBuilder md, RolloutDiagnosis? diagnosis, SecretMasker masker)
    {
        if (diagnosis is null)
        {
            return;
        }

        md.Append("#### Diagnosis\n\n")
            .Append("**").Append(HistoryTable.EscapeInline(HistoryTable.OneLine(masker.Mask(diagnosis.Summary)))).Append("**")
            .Append(diagnosis.Fatal ? " (seen by fail-fast, which stopped the rollout)" : " (seen after helm failed)").Append("\n\n");
        if (diagnosis.Pods.Count > 0)
        {
            md.Append("| Pod | Workload | Container | Reason | Exit code | Restarts | Message |\n|---|---|---|---|---:|---:|---|\n");
            foreach (var pod in diagnosis.Pods)
            {
                md.Append("| ").Append(Code(pod.Pod))
                    .Append(" | ").Append(Cell(pod.Workload, masker))
                    .Append(" | ").Append(Cell(pod.Container, masker))
                    .Append(" | ").Append(Cell(pod.Reason, masker))
                    .Append(" | ").Append(pod.ExitCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")
                    .Append(" | ").Append(TextReport.Number(pod.RestartCount))
                    .Append(" | ").Append(Cell(pod.Message ?? "", masker)).Append(" |\n");
            }

            md.Append('\n');
            foreach (var pod in diagnosis.Pods)
            {
                if (pod.LastLogLines.Count > 0)
                {
                    var log = masker.Mask(string.Join('\n', pod.LastLogLines));
                    var fence = new string('`', Math.Max(3, LongestRun(log, '`') + 1));
                    md.Append("Last log lines of ").Append(Code(pod.Pod)).Append(":\n\n")
                        .Append(fence).Append("text\n").Append(log).Append('\n').Append(fence).Append("\n\n");
                }

                if (pod.Events.Count > 0)
                {
                    md.Append("Warning events of ").Append(Code(pod.Pod)).Append(" and its owners:\n\n");
                    foreach (var item in pod.Events)
                    {
                        md.Append("- ").Append(HistoryTable.EscapeInline(HistoryTable.OneLine(masker.Mask(item)))).Append('\n');
                    }

                    md.Append('\n');
                }
            }
        }

        if (diagnosis.NotReady.Count > 0)
        {
            md.Append("Not ready:\n\n");
            foreach (var item in diagnosis.NotReady)
            {
                md.Append("- ").Append(HistoryTable.EscapeInline(HistoryTable.OneLine(masker.Mask(item)))).Append('\n');
            }

            md.Append('\n');
        }
    }

    private static string Cell(string value, SecretMasker masker) => HistoryTable.EscapeCell(HistoryTable.OneLine(masker.Mask(value)));

    private static void AppendList(StringBuilder md, string title, IReadOnlyList<string> items, SecretMasker masker)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append("#### ").Append(title).Append("\n\n");
        foreach (var item in items)
        {
            md.Append("- ").Append(HistoryTable.EscapeInline(HistoryTable.OneLine(masker.Mask(item)))).Append('\n');
        }

        md.Append('\n');
    }

    private static void AppendPhases(StringBuilder md, IReadOnlyList<PhaseTiming> phases)
    {
        if (phases.Count == 0)
        {
            return;
        }

        md.Append("#### Phases\n\n| Phase | Duration |\n|---|---:|\n");
        foreach (var phase in phases)
        {
            Row(md, HistoryTable.EscapeCell(phase.Name), GoDuration.FormatCompact(phase.Duration));
        }

        md.Append('\n');
    }

    private static void Row(StringBuilder md, string name, string value) =>
        md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");

    private static string FromTo(string? before, string? after) =>
        before == after && before is not null
            ? $"{Code(before)} (unchanged)"
            : $"{(before is null ? "(not installed)" : Code(before))} → {(after is null ? "(nothing deployed)" : Code(after))}";

    // A code span that survives backticks and pipes in the value (pipes must be escaped even inside code in a table).
    private static string Code(string value)
    {
        var text = HistoryTable.OneLine(value).Replace("|", "\\|", StringComparison.Ordinal);
        if (text.Length == 0)
        {
            return "(empty)";
        }

        var ticks = new string('`', LongestRun(text, '`') + 1);
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : string.Empty;
        return ticks + pad + text + pad + ticks;
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, current = 0;
        foreach (var ch in text)
        {
            current = ch == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
