using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;
using HelmSentinel.Verify;

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
            .Append(Markdown.EscapeInline(TextReport.Headline(outcome))).Append("\n\n");
        AppendFacts(md, outcome);
        AppendFailure(md, outcome, masker);
        AppendDiagnosis(md, outcome.Diagnosis, masker);
        MigrationHookLines.AppendMarkdown(md, outcome.MigrationHooks, masker);
        AppendVerification(md, "Verification", outcome.Verification, masker);
        AppendVerification(md, $"Verification of restored revision {TextFormat.Number(outcome.RestoredRevision ?? 0)}", outcome.RollbackVerification, masker);
        MigrationSection.AppendMarkdown(md, outcome.Migrations, masker);
        AppendList(md, "Actions", outcome.Actions, masker);
        AppendList(md, "Warnings", outcome.Warnings, masker);
        NotReverted.AppendMarkdown(md, outcome, masker);
        AppendList(md, "What to do", NextSteps.For(outcome), masker);
        AppendList(md, "Advice", outcome.Advice, masker);
        AppendPhases(md, outcome.Phases);
        MermaidTimeline.Append(md, outcome.Timeline, masker);
        md.Append("#### Release history\n\n");
        md.Append(outcome.History.Count == 0
            ? "_No revisions: the release does not exist in the cluster._\n"
            : HistoryTable.RenderMarkdown(TextReport.MaskEntries(outcome.History, masker), TextReport.FailedRevision(outcome), outcome.RestoredRevision));
        return masker.Mask(md.ToString());
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
        Row(md, "Release", Markdown.Code(outcome.Release));
        Row(md, "Namespace", Markdown.Code(outcome.Namespace));
        if (!string.IsNullOrEmpty(outcome.ChartReference))
        {
            Row(md, "Chart reference", Markdown.Code(outcome.ChartReference));
        }

        if (TextReport.Failed(outcome))
        {
            // What was tried and what runs now, not "from -> to": after a rollback both ends are the old chart.
            Row(md, "Attempted", Attempted(outcome));
            Row(md, "Deployed now", DeployedNow(outcome));
        }
        else if (outcome.Before is not null || outcome.After is not null)
        {
            Row(md, "Chart", FromTo(outcome.Before?.Chart, outcome.After?.Chart));
            Row(md, "App version", FromTo(outcome.Before?.AppVersion, outcome.After?.AppVersion));
        }

        Row(md, "Revisions", Revisions(outcome));
        Row(md, "Helm", outcome.HelmVersion is null ? "not reached" : Markdown.Code(outcome.HelmVersion));
        Row(md, "Duration", GoDuration.FormatCompact(outcome.Duration));
        md.Append('\n');
    }

    // "`web-1.2.0` (app `1.2`) as revision 3, failed": the attempted revision's history entry; without one (a removed
    // first install) the revision and the status alone.
    private static string Attempted(DeployOutcome outcome)
    {
        var parts = new List<string>();
        var entry = TextReport.AttemptedEntry(outcome);
        if (entry is not null)
        {
            parts.Add($"{Chart(entry.Chart, entry.AppVersion)} as revision {TextFormat.Number(entry.Revision)}");
        }
        else if (outcome.AttemptedRevision is { } revision)
        {
            parts.Add($"revision {TextFormat.Number(revision)}");
        }

        parts.Add(Markdown.EscapeCell(TextReport.AttemptedStatus(outcome)));
        return string.Join(", ", parts);
    }

    private static string DeployedNow(DeployOutcome outcome) => TextReport.DeployedNow(outcome) switch
    {
        ({ } chart, { } revision) => $"{Chart(chart.Chart, chart.AppVersion)} as revision {TextFormat.Number(revision)}",
        ({ } chart, null) => Chart(chart.Chart, chart.AppVersion),
        (null, { } revision) => $"revision {TextFormat.Number(revision)}",
        _ => "nothing",
    };

    private static string Chart(string chart, string appVersion) => $"{Markdown.Code(chart)} (app {Markdown.Code(appVersion)})";

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
            parts.Add($"{name} {TextFormat.Number(value)}");
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
                md.Append(Markdown.EscapeInline(lines[0])).Append("\n\n");
            }
            else
            {
                foreach (var line in lines)
                {
                    md.Append(Markdown.Bullet(line));
                }

                md.Append('\n');
            }
        }

        if (hasError)
        {
            var error = TextReport.BoundHelmError(masker.Mask(outcome.HelmError!.Trim()).Replace("\r\n", "\n", StringComparison.Ordinal));
            md.Append("Helm said:\n\n").Append(Markdown.Fence(error));
        }
    }

    private static void AppendDiagnosis(StringBuilder md, RolloutDiagnosis? diagnosis, SecretMasker masker)
    {
        if (diagnosis is null)
        {
            return;
        }

        md.Append("#### Diagnosis\n\n")
            .Append("**").Append(Markdown.EscapeInline(TextFormat.OneLine(masker.Mask(diagnosis.Summary)))).Append("**")
            .Append(diagnosis.Fatal ? " (seen by fail-fast, which stopped the rollout)" : " (seen after helm failed)").Append("\n\n");
        if (diagnosis.Pods.Count > 0)
        {
            md.Append("| Pod | Workload | Container | Reason | Exit code | Restarts | Message |\n|---|---|---|---|---:|---:|---|\n");
            foreach (var pod in diagnosis.Pods)
            {
                md.Append("| ").Append(Markdown.Code(pod.Pod))
                    .Append(" | ").Append(Cell(pod.Workload, masker))
                    .Append(" | ").Append(Cell(pod.Container, masker))
                    .Append(" | ").Append(Cell(pod.Reason, masker))
                    .Append(" | ").Append(pod.ExitCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")
                    .Append(" | ").Append(TextFormat.Number(pod.RestartCount))
                    .Append(" | ").Append(Cell(pod.Message ?? "", masker)).Append(" |\n");
            }

            md.Append('\n');
            foreach (var pod in diagnosis.Pods)
            {
                if (pod.LastLogLines.Count > 0)
                {
                    var log = masker.Mask(string.Join('\n', pod.LastLogLines));
                    md.Append("Last log lines of ").Append(Markdown.Code(pod.Pod)).Append(":\n\n").Append(Markdown.Fence(log));
                }

                if (pod.Events.Count > 0)
                {
                    md.Append("Warning events of ").Append(Markdown.Code(pod.Pod)).Append(" and its owners:\n\n");
                    foreach (var item in pod.Events)
                    {
                        md.Append(Markdown.Bullet(masker.Mask(item)));
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
                md.Append(Markdown.Bullet(masker.Mask(item)));
            }

            md.Append('\n');
        }
    }

    private static void AppendVerification(StringBuilder md, string title, VerificationReport? report, SecretMasker masker)
    {
        if (report is null)
        {
            return;
        }

        // "✅ **Passed**: 2 checks over 1m": the verdict's name in bold, the rest of its line after it.
        var name = VerificationNames.Of(report);
        var verdict = VerificationSummary.Verdict(report, masker);
        var rest = verdict.StartsWith(name + ": ", StringComparison.Ordinal) ? verdict[(name.Length + 2)..] : verdict;
        md.Append("#### ").Append(title).Append("\n\n").Append(Icon(report.Verdict)).Append(" **").Append(Capitalised(name)).Append("**: ")
            .Append(Markdown.EscapeInline(rest)).Append("\n\n");
        if (report.Checks.Count == 0)
        {
            return;
        }

        var checks = report.Checks.Select(c => VerificationSummary.Masked(c, masker)).ToList();
        md.Append("| Check | Kind | Samples | Failures | Errors | Last value | Condition / baseline | Verdict |\n")
            .Append("|---|---|---:|---:|---:|---|---|---|\n");
        foreach (var check in checks)
        {
            md.Append("| ").Append(Markdown.Code(check.Name))
                .Append(" | ").Append(Markdown.EscapeCell(check.Kind))
                .Append(" | ").Append(TextFormat.Number(check.Samples))
                .Append(" | ").Append(TextFormat.Number(check.Failures))
                .Append(" | ").Append(TextFormat.Number(check.Errors))
                .Append(" | ").Append(check.LastValue is null ? "" : Markdown.Code(check.LastValue))
                .Append(" | ").Append(ConditionCell(check))
                .Append(" | ").Append(Icon(check.Verdict)).Append(' ').Append(VerificationNames.Of(check.Verdict)).Append(" |\n");
        }

        md.Append('\n');
        var reasons = checks.Where(c => c.Reason is not null).ToList();
        foreach (var check in reasons)
        {
            md.Append("- ").Append(Markdown.Code(check.Name)).Append(": ").Append(Markdown.EscapeInline(check.Reason!)).Append('\n');
        }

        if (reasons.Count > 0)
        {
            md.Append('\n');
        }
    }

    private static string ConditionCell(CheckReport check) => (check.Condition, check.Baseline) switch
    {
        ({ } condition, { } baseline) => $"{Markdown.Code(condition)} (baseline {Markdown.Code(baseline)})",
        ({ } condition, null) => Markdown.Code(condition),
        (null, { } baseline) => $"baseline {Markdown.Code(baseline)}",
        _ => "",
    };

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Icon(VerificationVerdict verdict) => verdict switch
    {
        VerificationVerdict.Passed => "✅",
        VerificationVerdict.Failed => "❌",
        VerificationVerdict.Cancelled => "⏹️",
        _ => "❔",
    };

    private static string Icon(CheckVerdict verdict) => verdict switch
    {
        CheckVerdict.Passed => "✅",
        CheckVerdict.Failed => "❌",
        CheckVerdict.Inconclusive => "❔",
        CheckVerdict.NotRun => "➖",
        _ => "❔",
    };

    private static string Cell(string value, SecretMasker masker) => Markdown.EscapeCell(TextFormat.OneLine(masker.Mask(value)));

    private static void AppendList(StringBuilder md, string title, IReadOnlyList<string> items, SecretMasker masker)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append("#### ").Append(title).Append("\n\n");
        foreach (var item in items)
        {
            md.Append(Markdown.Bullet(masker.Mask(item)));
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
            Row(md, Markdown.EscapeCell(phase.Name), GoDuration.FormatCompact(phase.Duration));
        }

        md.Append('\n');
    }

    private static void Row(StringBuilder md, string name, string value) =>
        md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");

    private static string FromTo(string? before, string? after) =>
        before == after && before is not null
            ? $"{Markdown.Code(before)} (unchanged)"
            : $"{(before is null ? "(not installed)" : Markdown.Code(before))} → {(after is null ? "(nothing deployed)" : Markdown.Code(after))}";
}
