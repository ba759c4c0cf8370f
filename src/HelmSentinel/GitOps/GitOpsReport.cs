using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Text;

namespace HelmSentinel.GitOps;

/// <summary>
/// A GitOps watch's reports: the headline, the plain text for the log, the Markdown for the job summary and the revert
/// pull request, and the JSON. Strings in, strings out, every text through the outcome's masker.
/// </summary>
public static class GitOpsReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One line: what was watched, what became of the revision, and what was done.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string Headline(GitOpsOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var revision = GitOpsWatch.Short(outcome.Request.Revision);
        var text = outcome.Result switch
        {
            GitOpsResult.Healthy => $"revision {revision} is healthy on {outcome.Source} ({GoDuration.FormatCompact(outcome.Request.Bake)} bake)",
            GitOpsResult.Reverted => $"revision {revision} failed on {outcome.Source}; reverted: {outcome.Revert?.Summary}",
            GitOpsResult.NotReverted => $"revision {revision} failed on {outcome.Source}; not reverted" + (outcome.Revert is { } r ? ": " + r.Summary : ""),
            GitOpsResult.NeverSynced => $"{outcome.Source} never synced to {revision}; nothing was reverted",
            GitOpsResult.Rejected => $"the watch of revision {revision} was refused: {outcome.Reason}",
            _ => $"the watch of revision {revision} could not reach its source: {outcome.Reason}",
        };
        return outcome.Masker.Mask(TextFormat.OneLine(text));
    }

    /// <summary>The report for the log.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string Text(GitOpsOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var text = new StringBuilder();
        text.Append(Headline(outcome)).Append('\n');
        if (outcome.Result is GitOpsResult.Reverted or GitOpsResult.NotReverted or GitOpsResult.NeverSynced)
        {
            text.Append("  why: ").Append(outcome.Reason).Append('\n');
        }

        foreach (var resource in Unhealthy(outcome))
        {
            text.Append("  ").Append(resource).Append(": ").Append(resource.Health)
                .Append(string.IsNullOrEmpty(resource.Message) ? "" : " (" + TextFormat.OneLine(resource.Message) + ")").Append('\n');
        }

        if (outcome.ArgoCdRollback is { } rollback)
        {
            text.Append("  ").Append(rollback).Append('\n');
        }

        if (outcome.Revert is { ConflictPaths.Count: > 0 } conflict)
        {
            text.Append("  conflicting paths: ").Append(string.Join(", ", conflict.ConflictPaths)).Append('\n');
        }

        if (outcome.Revert?.ManualCommand is { } manual)
        {
            text.Append("  by hand: ").Append(manual).Append('\n');
        }

        return outcome.Masker.Mask(text.ToString().TrimEnd('\n'));
    }

    /// <summary>The Markdown report (job summary, summary tab); also the body of the revert pull request.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string Markdown(GitOpsOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var md = new StringBuilder();
        var icon = outcome.Result switch
        {
            GitOpsResult.Healthy => "✅",
            GitOpsResult.Reverted => "↩️",
            GitOpsResult.NeverSynced => "⏳",
            _ => "❌",
        };
        md.Append("## ").Append(icon).Append(' ').Append(Reporting.Markdown.EscapeInline(Headline(outcome))).Append("\n\n");
        if (outcome.Result != GitOpsResult.Healthy && outcome.Reason.Length > 0)
        {
            md.Append("**Why:** ").Append(Reporting.Markdown.EscapeInline(TextFormat.OneLine(outcome.Reason))).Append("\n\n");
        }

        if (outcome.Revert is { } revert)
        {
            md.Append("**Revert:** ").Append(Reporting.Markdown.EscapeInline(revert.Summary)).Append("\n\n");
            if (revert.ConflictPaths.Count > 0)
            {
                md.Append("Conflicting paths:\n\n");
                foreach (var path in revert.ConflictPaths)
                {
                    md.Append("- ").Append(Reporting.Markdown.Code(path)).Append('\n');
                }

                md.Append('\n');
            }

            if (revert.ManualCommand is { } manual)
            {
                md.Append("By hand:\n\n").Append(Reporting.Markdown.Fence(manual));
            }
        }

        if (outcome.ArgoCdRollback is { } rollback)
        {
            md.Append("**Argo CD rollback:** ").Append(Reporting.Markdown.EscapeInline(rollback)).Append("\n\n");
        }

        var unhealthy = Unhealthy(outcome).ToList();
        if (unhealthy.Count > 0)
        {
            md.Append("### Resources not healthy\n\n| Resource | Health | Message |\n|---|---|---|\n");
            foreach (var r in unhealthy)
            {
                md.Append("| ").Append(Reporting.Markdown.Code(r.ToString())).Append(" | ").Append(r.Health).Append(" | ")
                    .Append(Reporting.Markdown.EscapeCell(TextFormat.OneLine(r.Message ?? ""))).Append(" |\n");
            }

            md.Append('\n');
        }

        if (outcome.Watch is { } watch)
        {
            md.Append("### Timeline\n\n| At | What |\n|---|---|\n");
            foreach (var mark in watch.Timeline)
            {
                md.Append("| +").Append(GoDuration.FormatCompact(mark.At - watch.Started)).Append(" | ")
                    .Append(Reporting.Markdown.EscapeCell(mark.What)).Append(" |\n");
            }

            md.Append('\n');
        }

        if (outcome.Last is { History.Count: > 0 } last)
        {
            // Flux keeps a status per entry; Argo CD none, and then the column goes.
            var statuses = last.History.Any(h => !string.IsNullOrEmpty(h.Status));
            md.Append(statuses ? "### History\n\n| Id | Revision | Deployed | Status |\n|---|---|---|---|\n" : "### History\n\n| Id | Revision | Deployed |\n|---|---|---|\n");
            foreach (var h in last.History.TakeLast(10).Reverse())
            {
                md.Append("| ").Append(h.Id.ToString(CultureInfo.InvariantCulture)).Append(" | ").Append(Reporting.Markdown.Code(h.Revision))
                    .Append(h.Revision.StartsWith(outcome.Request.Revision, StringComparison.OrdinalIgnoreCase) ? " (this revision)" : "")
                    .Append(" | ").Append(h.DeployedAt?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "")
                    .Append(statuses ? " | " + Reporting.Markdown.EscapeCell(h.Status ?? "") : "").Append(" |\n");
            }

            md.Append('\n');
        }

        md.Append("<sub>HelmSentinel GitOps watch of ").Append(Reporting.Markdown.EscapeInline(outcome.Source)).Append(", revision ")
            .Append(Reporting.Markdown.Code(outcome.Request.Revision)).Append("</sub>\n");
        return outcome.Masker.Mask(md.ToString());
    }

    /// <summary>The watch's outputs, by the names the action gives them (the task spells them camelCase):
    /// <c>result</c> (healthy, reverted, not-reverted, never-synced, rejected, unreachable), <c>revision</c>,
    /// <c>failure-reason</c> (one masked line; empty when healthy).</summary>
    /// <param name="outcome">The outcome.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Outputs(GitOpsOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = outcome.Result switch
        {
            GitOpsResult.NotReverted => "not-reverted",
            GitOpsResult.NeverSynced => "never-synced",
            _ => outcome.Result.ToString().ToLowerInvariant(),
        };
        return
        [
            new("result", result),
            new("revision", outcome.Request.Revision),
            new("failure-reason", outcome.Result == GitOpsResult.Healthy ? "" : outcome.Masker.Mask(TextFormat.OneLine(outcome.Reason))),
        ];
    }

    /// <summary>The outcome as JSON, for <c>--json</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    public static string Json(GitOpsOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var root = new JsonObject
        {
            ["result"] = outcome.Result.ToString(),
            ["exitCode"] = outcome.ExitCode,
            ["revision"] = outcome.Request.Revision,
            ["source"] = outcome.Source,
            ["headline"] = Headline(outcome),
            ["reason"] = outcome.Reason,
            ["health"] = outcome.Last?.Health.ToString(),
            ["sync"] = outcome.Last?.Sync,
            ["syncedAt"] = outcome.Watch?.SyncedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["endedAt"] = outcome.Watch?.EndedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["timeline"] = new JsonArray([.. (outcome.Watch?.Timeline ?? []).Select(m => (JsonNode)new JsonObject
            {
                ["at"] = m.At.ToString("O", CultureInfo.InvariantCulture),
                ["what"] = m.What,
            })]),
            ["resources"] = new JsonArray([.. (outcome.Last?.Resources ?? []).Select(r => (JsonNode)new JsonObject
            {
                ["kind"] = r.Kind,
                ["namespace"] = r.Namespace,
                ["name"] = r.Name,
                ["health"] = r.Health.ToString(),
                ["message"] = r.Message,
            })]),
            ["revert"] = outcome.Revert is { } revert
                ? new JsonObject
                {
                    ["reverted"] = revert.Reverted,
                    ["summary"] = revert.Summary,
                    ["url"] = revert.Url,
                    ["conflictPaths"] = new JsonArray([.. revert.ConflictPaths.Select(p => (JsonNode)JsonValue.Create(p))]),
                    ["manualCommand"] = revert.ManualCommand,
                }
                : null,
            ["argoCdRollback"] = outcome.ArgoCdRollback,
            ["warnings"] = new JsonArray([.. outcome.Warnings.Select(w => (JsonNode)JsonValue.Create(w))]),
        };
        return outcome.Masker.Mask(root.ToJsonString(Indented));
    }

    private static IEnumerable<AppResource> Unhealthy(GitOpsOutcome outcome) =>
        outcome.Result is GitOpsResult.Healthy || outcome.Last is null
            ? []
            : outcome.Last.Resources.Where(r => r.Health is AppHealth.Degraded or AppHealth.Missing or AppHealth.Progressing).Take(20);
}
