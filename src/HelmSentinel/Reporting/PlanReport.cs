using HelmSentinel.Deploy;
using System.Text;
using HelmSentinel.Plan;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>A plan as plain text (the log) and as Markdown (the job summary, the pull request), masked. Pure.</summary>
public static class PlanReport
{
    /// <summary>The first line of every rendering: what the plan says, in a sentence.</summary>
    public static string Headline(DeployPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var what = plan.DeployedRevision is { } revision ? $"upgrade of {plan.Release} from revision {revision}" : $"install of {plan.Release}";
        return plan.Result switch
        {
            PlanResult.Planned => $"Plan for the {what} (namespace {plan.Namespace}): {plan.Summary}",
            PlanResult.Blocked => $"Plan for the {what} (namespace {plan.Namespace}) is blocked: {plan.Summary}",
            PlanResult.Rejected => $"No plan for {plan.Release} (namespace {plan.Namespace}): {plan.Error}",
            _ => $"No plan for {plan.Release} (namespace {plan.Namespace}): {plan.Error}",
        };
    }

    /// <summary>The plan for a terminal: headline, findings, notes and each object that changes with its fields.</summary>
    public static string Text(DeployPlan plan, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        plan = plan.MaskedWith(masker);
        var text = new StringBuilder();
        text.Append(Headline(plan)).Append('\n');
        foreach (var error in plan.InputErrors)
        {
            text.Append("  invalid input ").Append(error.Input).Append(": ").Append(error.Message).Append('\n');
        }

        foreach (var line in PlanHeadlines.Of(plan))
        {
            text.Append("  * ").Append(line).Append('\n');
        }

        if (plan.Findings.Count > 0)
        {
            text.Append("\nPreflight:\n");
            foreach (var finding in plan.Findings)
            {
                text.Append("  [").Append(finding.SeverityName).Append("] ").Append(finding.Check).Append(": ").Append(finding.Message).Append('\n');
                text.Append("      what to do: ").Append(finding.Fix).Append('\n');
            }
        }

        foreach (var note in plan.Notes)
        {
            text.Append("\nNote: ").Append(note).Append('\n');
        }

        var shown = plan.Changes.Where(c => c.Action is not ChangeAction.Unchanged).ToList();
        if (shown.Count > 0)
        {
            text.Append('\n');
        }

        foreach (var change in shown)
        {
            text.Append(Sign(change.Action)).Append(' ').Append(Name(change)).Append('\n');
            foreach (var line in Lines(change))
            {
                text.Append("    ").Append(line).Append('\n');
            }
        }

        return masker.Mask(text.ToString());
    }

    /// <summary>
    /// The plan in Markdown: headline, headline changes, a table per kind, the findings, and one collapsed section per object
    /// that changes. At most <paramref name="maxLength"/> characters: objects that do not fit are counted in a last line
    /// naming <paramref name="whereIsTheRest"/>.
    /// </summary>
    public static string Markdown(DeployPlan plan, SecretMasker masker, int maxLength = int.MaxValue, string whereIsTheRest = "the full plan is in the job summary")
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        plan = plan.MaskedWith(masker);
        var md = new StringBuilder();
        var icon = plan.Result switch
        {
            PlanResult.Planned => "📋",
            PlanResult.Blocked => "⛔",
            _ => "❌",
        };
        md.Append("### ").Append(icon).Append(" Plan: ").Append(Reporting.Markdown.EscapeInline(plan.Release)).Append(" (namespace ")
            .Append(Reporting.Markdown.EscapeInline(plan.Namespace)).Append(")\n\n");
        md.Append(Reporting.Markdown.EscapeInline(TextFormat.OneLine(Headline(plan)))).Append("\n\n");
        foreach (var error in plan.InputErrors)
        {
            md.Append(Reporting.Markdown.Bullet($"invalid input {error.Input}: {error.Message}"));
        }

        var headlines = PlanHeadlines.Of(plan);
        foreach (var line in headlines)
        {
            md.Append(Reporting.Markdown.Bullet(line));
        }

        if (headlines.Count > 0 || plan.InputErrors.Count > 0)
        {
            md.Append('\n');
        }

        if (plan.Findings.Count > 0)
        {
            md.Append("#### Preflight\n\n| | Check | Object | What will happen | What to do |\n|---|---|---|---|---|\n");
            var shownFindings = 0;
            foreach (var f in plan.Findings)
            {
                // The findings may take half of the room; the rest are counted, blocking ones first (they come first).
                if (md.Length > maxLength / 2)
                {
                    md.Append("| | | | ").Append(plan.Findings.Count - shownFindings).Append(" more finding(s) not shown here; ")
                        .Append(Reporting.Markdown.EscapeCell(whereIsTheRest)).Append(" | |\n");
                    break;
                }

                shownFindings++;
                md.Append("| ").Append(f.Severity is FindingSeverity.Blocking ? "⛔ blocking" : "⚠️ warning").Append(" | ").Append(Reporting.Markdown.Code(f.Check))
                    .Append(" | ").Append(f.Object is null ? "release" : Reporting.Markdown.EscapeCell(f.Object.Display))
                    .Append(" | ").Append(Reporting.Markdown.EscapeCell(f.Message)).Append(" | ").Append(Reporting.Markdown.EscapeCell(f.Fix)).Append(" |\n");
            }

            md.Append('\n');
        }

        foreach (var note in plan.Notes)
        {
            md.Append("> ").Append(Reporting.Markdown.EscapeInline(TextFormat.OneLine(note))).Append("\n\n");
        }

        var kinds = PlanHeadlines.ByKind(plan);
        if (kinds.Count > 0)
        {
            md.Append("| Kind | Add | Change | Remove | Unchanged |\n|---|---:|---:|---:|---:|\n");
            foreach (var (kind, added, changed, removed, unchanged) in kinds)
            {
                md.Append("| ").Append(Reporting.Markdown.EscapeCell(kind)).Append(" | ").Append(added).Append(" | ").Append(changed).Append(" | ")
                    .Append(removed).Append(" | ").Append(unchanged).Append(" |\n");
            }

            md.Append('\n');
        }

        var shown = plan.Changes.Where(c => c.Action is not ChangeAction.Unchanged).ToList();
        const int reserve = 200;
        for (var i = 0; i < shown.Count; i++)
        {
            var section = Details(shown[i]);
            if (md.Length + section.Length + reserve > maxLength)
            {
                md.Append("_").Append(shown.Count - i).Append(" more object").Append(shown.Count - i == 1 ? "" : "s").Append(" not shown here; ")
                    .Append(Reporting.Markdown.EscapeInline(whereIsTheRest)).Append("._\n");
                break;
            }

            md.Append(section);
        }

        return masker.Mask(md.ToString());
    }

    private static string Details(ObjectChange change)
    {
        var md = new StringBuilder();
        md.Append("<details><summary>").Append(Sign(change.Action)).Append(' ').Append(Reporting.Markdown.EscapeInline(Name(change))).Append("</summary>\n\n");
        var lines = Lines(change);
        if (lines.Count > 0)
        {
            md.Append(Reporting.Markdown.Fence(string.Join('\n', lines)));
        }
        else
        {
            md.Append(change.Action is ChangeAction.Added ? "created\n\n" : "deleted\n\n");
        }

        md.Append("</details>\n\n");
        return md.ToString();
    }

    private static List<string> Lines(ObjectChange change)
    {
        var lines = new List<string>();
        foreach (var field in change.Fields)
        {
            if (field.Lines is { } diff)
            {
                lines.Add($"{field.Path}:");
                lines.AddRange(diff.Select(l => "  " + l));
                continue;
            }

            lines.Add(field.Before is null ? $"{field.Path}: + {field.After}" : field.After is null ? $"{field.Path}: - {field.Before} (removed)" : $"{field.Path}: {field.Before} → {field.After}");
        }

        foreach (var key in change.SecretKeys)
        {
            lines.Add(key.State switch
            {
                SecretKeyState.Added => $"data.{key.Key}: added ({Bytes(key.BytesAfter)})",
                SecretKeyState.Removed => $"data.{key.Key}: removed (was {Bytes(key.BytesBefore)})",
                SecretKeyState.Changed => $"data.{key.Key}: changed ({key.BytesBefore} → {Bytes(key.BytesAfter)})",
                _ => $"data.{key.Key}: unchanged ({Bytes(key.BytesAfter)})",
            });
        }

        return lines;
    }

    private static string Bytes(int? count) => count == 1 ? "1 byte" : $"{count} bytes";

    private static string Name(ObjectChange change) =>
        change.Key.Display + (change.Key.Namespace.Length > 0 ? $" in {change.Key.Namespace}" : "") + $" ({change.ApiVersion}" + (change.IsHook ? ", hook" : "") +
        (change.Source is null ? ")" : $", {change.Source})");

    private static string Sign(ChangeAction action) => action switch
    {
        ChangeAction.Added => "+",
        ChangeAction.Removed => "-",
        ChangeAction.Changed => "~",
        _ => "=",
    };
}
