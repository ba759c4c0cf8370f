using System.Globalization;
using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>
/// The plain-text summary of a deploy for logs: result line, reason, helm's error, actions, warnings and
/// the history table. ASCII only apart from the data itself. Pure: outcome in, string out, secrets masked.
/// </summary>
public static class TextReport
{
    /// <summary>Longest helm error quoted in a report; longer ones are cut with a note of how much.</summary>
    public const int MaxHelmErrorLength = 4000;

    /// <summary>Renders the summary; every line ends in <c>\n</c>.</summary>
    public static string Render(DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);

        var text = new StringBuilder();
        text.Append("helm-sentinel: ").Append(Headline(outcome)).Append('\n');
        text.Append(Facts(outcome)).Append('\n');
        if (!string.IsNullOrWhiteSpace(outcome.FailureReason))
        {
            text.Append("reason: ").Append(TextFormat.Indent(masker.Mask(outcome.FailureReason.Trim()), "  ").TrimStart()).Append('\n');
        }

        if (!string.IsNullOrWhiteSpace(outcome.HelmError))
        {
            text.Append("helm error:\n").Append(TextFormat.Indent(BoundHelmError(masker.Mask(outcome.HelmError.Trim())), "    ")).Append('\n');
        }

        AppendDiagnosis(text, outcome.Diagnosis, masker);
        AppendList(text, "actions", outcome.Actions, masker);
        AppendList(text, "warnings", outcome.Warnings, masker);
        text.Append("history:\n");
        text.Append(HistoryTable.Render(MaskEntries(outcome.History, masker), FailedRevision(outcome), outcome.RestoredRevision));
        return masker.Mask(text.ToString());
    }

    /// <summary>
    /// The result in one line without decoration, e.g. <c>web deployed revision 3</c> or
    /// <c>web upgrade to revision 3 failed; rolled back to revision 2 (now revision 4)</c>.
    /// </summary>
    public static string Headline(DeployOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var release = TextFormat.OneLine(outcome.Release);
        return outcome.Result switch
        {
            DeployResult.Succeeded => (outcome.FirstInstall ? $"{release} installed" : $"{release} deployed")
                + ((outcome.CurrentRevision ?? outcome.AttemptedRevision) is { } revision ? $" revision {TextFormat.Number(revision)}" : string.Empty),
            DeployResult.RolledBack when outcome.Uninstalled || outcome.FirstInstall =>
                $"{release} install failed; the release was uninstalled",
            DeployResult.RolledBack => $"{release} upgrade{Revision(" to revision ", outcome.AttemptedRevision)} failed; rolled back"
                + Revision(" to revision ", outcome.PreviousRevision)
                + (outcome.RestoredRevision is { } restored && restored != outcome.PreviousRevision ? $" (now revision {TextFormat.Number(restored)})" : string.Empty),
            DeployResult.RollbackFailed when outcome.FirstInstall =>
                $"{release} install failed and could not be removed: the cluster needs a person",
            DeployResult.RollbackFailed => $"{release} rollback failed: the cluster needs a person",
            DeployResult.Rejected => $"{release} deploy rejected: nothing was changed",
            DeployResult.Unreachable => $"{release} not deployed: the cluster or helm could not be reached; nothing was changed",
            _ => $"{release} ended as {outcome.Result}",
        };
    }

    /// <summary>The revision the history table marks as failed: the attempted one, unless the deploy succeeded.</summary>
    internal static int? FailedRevision(DeployOutcome outcome) =>
        outcome.Result is DeployResult.Succeeded ? null : outcome.AttemptedRevision;

    /// <summary>The history with secrets masked in every text column, before any cutting or escaping.</summary>
    internal static IReadOnlyList<HistoryEntry> MaskEntries(IReadOnlyList<HistoryEntry> history, SecretMasker masker) =>
        [.. history.Select(e => e with
        {
            Chart = masker.Mask(e.Chart),
            AppVersion = masker.Mask(e.AppVersion),
            Description = masker.Mask(e.Description),
        })];

    /// <summary>Cuts a (masked) helm error to <see cref="MaxHelmErrorLength"/> characters, saying how much was left out.</summary>
    internal static string BoundHelmError(string error) =>
        error.Length <= MaxHelmErrorLength
            ? error
            : string.Concat(error.AsSpan(0, MaxHelmErrorLength), $"\n... ({TextFormat.Number(error.Length - MaxHelmErrorLength)} more characters cut)");

    private static string Facts(DeployOutcome outcome)
    {
        var facts = new List<string> { $"release {outcome.Release} in namespace {outcome.Namespace}" };
        if (outcome.Before is not null || outcome.After is not null)
        {
            facts.Add($"chart {outcome.Before?.Chart ?? "(not installed)"} -> {outcome.After?.Chart ?? "(nothing deployed)"}");
        }
        else if (!string.IsNullOrEmpty(outcome.ChartReference))
        {
            facts.Add($"chart {outcome.ChartReference}");
        }

        facts.Add("helm " + (outcome.HelmVersion ?? "not reached"));
        facts.Add("took " + GoDuration.FormatCompact(outcome.Duration));
        return TextFormat.OneLine(string.Join(", ", facts));
    }

    private static void AppendDiagnosis(StringBuilder text, RolloutDiagnosis? diagnosis, SecretMasker masker)
    {
        if (diagnosis is null)
        {
            return;
        }

        string Line(string value) => TextFormat.OneLine(masker.Mask(value));
        text.Append("diagnosis: ").Append(Line(diagnosis.Summary))
            .Append(diagnosis.Fatal ? " (fail-fast stopped the rollout)" : " (seen after helm failed)").Append('\n');
        foreach (var pod in diagnosis.Pods)
        {
            text.Append("  pod ").Append(Line(pod.Pod)).Append(" (").Append(Line(pod.Workload)).Append(')');
            if (pod.Container.Length > 0)
            {
                text.Append(" container ").Append(Line(pod.Container));
            }

            text.Append(": ").Append(Line(pod.Reason));
            if (pod.ExitCode is { } code)
            {
                text.Append(", exit code ").Append(code.ToString(CultureInfo.InvariantCulture));
            }

            text.Append(", ").Append(TextFormat.Number(pod.RestartCount)).Append(pod.RestartCount == 1 ? " restart" : " restarts").Append('\n');
            if (!string.IsNullOrWhiteSpace(pod.Message))
            {
                text.Append("    message: ").Append(Line(pod.Message)).Append('\n');
            }

            if (pod.LastLogLines.Count > 0)
            {
                text.Append("    last log lines:\n");
                foreach (var line in pod.LastLogLines)
                {
                    text.Append("      ").Append(Line(line)).Append('\n');
                }
            }

            if (pod.Events.Count > 0)
            {
                text.Append("    events:\n");
                foreach (var item in pod.Events)
                {
                    text.Append("      - ").Append(Line(item)).Append('\n');
                }
            }
        }

        if (diagnosis.NotReady.Count > 0)
        {
            text.Append("  not ready:\n");
            foreach (var item in diagnosis.NotReady)
            {
                text.Append("    - ").Append(Line(item)).Append('\n');
            }
        }
    }

    private static void AppendList(StringBuilder text, string title, IReadOnlyList<string> items, SecretMasker masker)
    {
        if (items.Count == 0)
        {
            return;
        }

        text.Append(title).Append(":\n");
        foreach (var item in items)
        {
            text.Append("  - ").Append(TextFormat.OneLine(masker.Mask(item))).Append('\n');
        }
    }

    private static string Revision(string prefix, int? revision) =>
        revision is { } value ? prefix + TextFormat.Number(value) : string.Empty;
}
