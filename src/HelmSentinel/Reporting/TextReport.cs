using System.Globalization;
using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Text;
using HelmSentinel.Verify;

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
        MigrationHookLines.AppendText(text, outcome.MigrationHooks, masker);
        AppendVerification(text, "verification", outcome.Verification, masker);
        AppendVerification(text, $"verification of restored revision {TextFormat.Number(outcome.RestoredRevision ?? 0)}", outcome.RollbackVerification, masker);
        MigrationSection.AppendText(text, outcome.Migrations, masker);
        AppendList(text, "actions", outcome.Actions, masker);
        AppendList(text, "warnings", outcome.Warnings, masker);
        NotReverted.AppendText(text, outcome, masker);
        AppendList(text, "what to do", NextSteps.For(outcome), masker);
        AppendList(text, "advice", outcome.Advice, masker);
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
        if (outcome.IsRollback)
        {
            return RollbackHeadline(outcome, release);
        }

        return outcome.Result switch
        {
            DeployResult.Succeeded => (outcome.FirstInstall ? $"{release} installed" : $"{release} deployed")
                + ((outcome.CurrentRevision ?? outcome.AttemptedRevision) is { } revision ? $" revision {TextFormat.Number(revision)}" : string.Empty),
            DeployResult.RolledBack when outcome.Uninstalled || outcome.FirstInstall =>
                $"{release} install failed; the release was uninstalled",
            DeployResult.RolledBack => $"{release} upgrade{Revision(" to revision ", outcome.AttemptedRevision)} failed; rolled back"
                + Revision(" to revision ", outcome.PreviousRevision)
                + (outcome.RestoredRevision is { } restored && restored != outcome.PreviousRevision ? $" (now revision {TextFormat.Number(restored)})" : string.Empty),
            DeployResult.RollbackFailed when outcome.StoppedAfterMigration =>
                $"{release} {(outcome.FirstInstall ? "install" : "upgrade")}{Revision(" to revision ", outcome.AttemptedRevision)} failed after its migration; left as it is for a roll-forward fix (on-failure-after-migration: stop)",
            DeployResult.RollbackFailed when outcome.FirstInstall =>
                $"{release} install failed and could not be removed: the cluster needs a person",
            DeployResult.RollbackFailed when outcome.RollbackVerification is { Verdict: VerificationVerdict.Failed } =>
                $"{release} upgrade{Revision(" to revision ", outcome.AttemptedRevision)} failed; rolled back"
                + Revision(" to revision ", outcome.PreviousRevision)
                + Revision(" (now revision ", outcome.RestoredRevision) + (outcome.RestoredRevision is null ? "" : ")")
                + ", which fails its checks too: the cluster needs a person",
            DeployResult.RollbackFailed => $"{release} rollback failed: the cluster needs a person",
            DeployResult.Rejected => $"{release} deploy rejected: nothing was changed",
            DeployResult.Unreachable => $"{release} not deployed: the cluster or helm could not be reached; nothing was changed",
            _ => $"{release} ended as {outcome.Result}",
        };
    }

    // A rollback by hand: "web rolled back to revision 2 (now revision 5)", or why it did not.
    private static string RollbackHeadline(DeployOutcome outcome, string release)
    {
        var target = Revision(" to revision ", outcome.TargetRevision);
        return outcome.Result switch
        {
            DeployResult.Succeeded => $"{release} rolled back{target}" + Revision(" (now revision ", outcome.RestoredRevision) + (outcome.RestoredRevision is null ? "" : ")"),
            DeployResult.RollbackFailed when outcome.RestoredRevision is { } putBack =>
                $"{release} rollback{target} failed; what ran before was put back (now revision {TextFormat.Number(putBack)})",
            DeployResult.RollbackFailed => $"{release} rollback{target} failed: the cluster needs a person",
            DeployResult.Rejected => $"{release} rollback refused: nothing was changed",
            DeployResult.Unreachable => $"{release} not rolled back: the cluster or helm could not be reached; nothing was changed",
            _ => $"{release} rollback ended as {outcome.Result}",
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

    /// <summary>True when the deploy changed the release and failed: rolled back, uninstalled, or left for a person.</summary>
    internal static bool Failed(DeployOutcome outcome) => outcome.Result is DeployResult.RolledBack or DeployResult.RollbackFailed;

    /// <summary>The history entry of the attempted revision, when the history still holds it.</summary>
    internal static HistoryEntry? AttemptedEntry(DeployOutcome outcome) =>
        outcome.AttemptedRevision is { } attempted ? outcome.History.FirstOrDefault(e => e.Revision == attempted) : null;

    /// <summary>The attempted revision's status as the history table shows it; <c>failed</c> when the history no longer
    /// holds it (a removed first install).</summary>
    internal static string AttemptedStatus(DeployOutcome outcome) => AttemptedEntry(outcome)?.Status ?? ReleaseStatus.Failed;

    /// <summary>What is deployed now: <see cref="DeployOutcome.After"/> at <see cref="DeployOutcome.CurrentRevision"/>, with
    /// the chart from the history entry when only the revision is known, and the history's deployed revision when the
    /// outcome names none (so the line never says "nothing" above a table with a deployed row); null when nothing is.</summary>
    internal static (ChartSnapshot? Chart, int? Revision)? DeployedNow(DeployOutcome outcome)
    {
        var entry = outcome.CurrentRevision is { } current
            ? outcome.History.FirstOrDefault(e => e.Revision == current)
            : outcome.After is null ? outcome.History.LastOrDefault(e => e.Status == ReleaseStatus.Deployed) : null;
        var chart = outcome.After ?? (entry is null ? null : new ChartSnapshot(entry.Chart, entry.AppVersion));
        var revision = outcome.CurrentRevision ?? entry?.Revision;
        return chart is null && revision is null ? null : (chart, revision);
    }

    private static string Facts(DeployOutcome outcome)
    {
        var facts = new List<string> { $"release {outcome.Release} in namespace {outcome.Namespace}" };
        if (Failed(outcome))
        {
            facts.Add(FailedCharts(outcome));
        }
        else if (outcome.Result is DeployResult.Rejected or DeployResult.Unreachable && DeployedNow(outcome) is { } unchanged)
        {
            facts.Add($"{(unchanged.Chart is null ? "" : "chart ")}{DeployedNowText(unchanged)}, nothing was changed");
        }
        else if (outcome.Result is DeployResult.Succeeded && (outcome.Before is not null || outcome.After is not null))
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

    // "chart web-1.2.0 attempted (revision 3, failed), web-1.1.0 deployed now (revision 4)": what the failed deploy tried,
    // then what runs, both from the outcome's revisions and the history the report prints below.
    private static string FailedCharts(DeployOutcome outcome)
    {
        var attempted = AttemptedEntry(outcome)?.Chart ?? outcome.ChartReference ?? "(unknown)";
        var revision = outcome.AttemptedRevision is { } number ? $"revision {TextFormat.Number(number)}, " : string.Empty;
        var now = DeployedNow(outcome) is { } deployed ? DeployedNowText(deployed) : "nothing deployed now";
        return $"chart {attempted} attempted ({revision}{AttemptedStatus(outcome)}), {now}";
    }

    private static string DeployedNowText((ChartSnapshot? Chart, int? Revision) deployed) => deployed switch
    {
        ({ } chart, { } revision) => $"{chart.Chart} deployed now (revision {TextFormat.Number(revision)})",
        ({ } chart, null) => $"{chart.Chart} deployed now",
        (null, { } revision) => $"revision {TextFormat.Number(revision)} deployed now",
        _ => "nothing deployed now",
    };

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

    // "verification: failed: healthz: ...", then one line per check with its numbers, and why when it did not pass.
    private static void AppendVerification(StringBuilder text, string title, VerificationReport? report, SecretMasker masker)
    {
        if (report is null)
        {
            return;
        }

        text.Append(title).Append(": ").Append(VerificationSummary.Verdict(report, masker)).Append('\n');
        foreach (var check in report.Checks.Select(c => VerificationSummary.Masked(c, masker)))
        {
            text.Append("  - ").Append(check.Name).Append(" (").Append(check.Kind).Append("): ").Append(VerificationNames.Of(check.Verdict))
                .Append(", ").Append(Count(check.Samples, "sample"))
                .Append(", ").Append(Count(check.Failures, "failure"))
                .Append(", ").Append(Count(check.Errors, "error"));
            if (check.LastValue is not null)
            {
                text.Append(", last value ").Append(check.LastValue);
            }

            if (check.Condition is not null)
            {
                text.Append(", condition ").Append(check.Condition);
            }

            if (check.Baseline is not null)
            {
                text.Append(", baseline ").Append(check.Baseline);
            }

            text.Append('\n');
            if (check.Reason is not null)
            {
                text.Append("    why: ").Append(check.Reason).Append('\n');
            }
        }
    }

    private static string Count(int count, string noun) => $"{TextFormat.Number(count)} {noun}{(count == 1 ? "" : "s")}";

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
