using System.Globalization;
using System.Text;
using HelmSentinel.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>
/// The release history as a table: plain text for logs (aligned columns, ASCII markers) and GitHub
/// Markdown for summaries and comments. Marks the failed revision and the restored one. Pure; the
/// caller masks secrets in the entries first (descriptions may quote helm errors).
/// </summary>
public static class HistoryTable
{
    /// <summary>Suffix of the failed revision's row in the plain table.</summary>
    public const string FailedMarker = "<- failed";

    /// <summary>Suffix of the restored revision's row in the plain table.</summary>
    public const string RestoredMarker = "<- restored";

    /// <summary>Longest description shown in the plain table; longer ones are cut with <c>...</c>.</summary>
    public const int MaxPlainDescription = 120;

    /// <summary>Longest description shown in the Markdown table; longer ones are cut with <c>…</c>.</summary>
    public const int MaxMarkdownDescription = 500;

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Renders the history as an aligned plain-text table, one line per revision, oldest first.</summary>
    /// <param name="history">The revisions, oldest first.</param>
    /// <param name="failedRevision">The revision to mark <c>&lt;- failed</c>, if any.</param>
    /// <param name="restoredRevision">The revision to mark <c>&lt;- restored</c>, if any.</param>
    /// <param name="zone">Time zone of the UPDATED column; UTC when null.</param>
    /// <returns>The table, every line ending in <c>\n</c>; <c>(no revisions)</c> when the history is empty.</returns>
    public static string Render(IReadOnlyList<HistoryEntry> history, int? failedRevision, int? restoredRevision, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return "(no revisions)\n";
        }

        var rows = new List<string[]>
        {
            new[] { "REVISION", $"UPDATED ({ZoneName(zone)})", "STATUS", "CHART", "APP VERSION", "DESCRIPTION" },
        };
        var markers = new List<string?> { null };
        foreach (var entry in history)
        {
            rows.Add(
            [
                entry.Revision.ToString(CultureInfo.InvariantCulture),
                FormatTime(entry.Updated, zone),
                entry.Status,
                TextFormat.OneLine(entry.Chart),
                TextFormat.OneLine(entry.AppVersion),
                TextFormat.Cut(TextFormat.OneLine(entry.Description), MaxPlainDescription, "..."),
            ]);
            markers.Add(Marker(entry.Revision, failedRevision, restoredRevision, FailedMarker, RestoredMarker));
        }

        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var builder = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            var line = new StringBuilder();
            for (var i = 0; i < rows[r].Length; i++)
            {
                line.Append(rows[r][i].PadRight(widths[i])).Append("  ");
            }

            line.Append(markers[r]);
            builder.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Renders the history as a GitHub Markdown table with ❌ on the failed revision and ✅ on the restored one.</summary>
    /// <param name="history">The revisions, oldest first.</param>
    /// <param name="failedRevision">The revision to mark failed, if any.</param>
    /// <param name="restoredRevision">The revision to mark restored, if any.</param>
    /// <param name="zone">Time zone of the Updated column; UTC when null.</param>
    /// <returns>The table, every line ending in <c>\n</c>; an italic note when the history is empty.</returns>
    public static string RenderMarkdown(IReadOnlyList<HistoryEntry> history, int? failedRevision, int? restoredRevision, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return "_No revisions._\n";
        }

        var builder = new StringBuilder();
        builder.Append("| Revision | Updated (").Append(ZoneName(zone)).Append(") | Status | Chart | App version | Description |\n");
        builder.Append("|---:|---|---|---|---|---|\n");
        foreach (var entry in history)
        {
            var marker = Marker(entry.Revision, failedRevision, restoredRevision, "❌ failed", "✅ restored");
            builder.Append("| ").Append(entry.Revision.ToString(CultureInfo.InvariantCulture));
            if (marker is not null)
            {
                builder.Append(' ').Append(marker);
            }

            builder.Append(" | ").Append(FormatTime(entry.Updated, zone))
                .Append(" | ").Append(Markdown.EscapeCell(entry.Status))
                .Append(" | ").Append(Markdown.EscapeCell(entry.Chart))
                .Append(" | ").Append(Markdown.EscapeCell(entry.AppVersion))
                .Append(" | ").Append(Markdown.EscapeCell(TextFormat.Cut(entry.Description.Trim(), MaxMarkdownDescription, "…")))
                .Append(" |\n");
        }

        return builder.ToString();
    }

    internal static string ZoneName(TimeZoneInfo? zone) =>
        zone is null || zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;

    internal static string FormatTime(DateTimeOffset? time, TimeZoneInfo? zone)
    {
        if (time is not { } value)
        {
            return "-";
        }

        var local = zone is null ? value.ToUniversalTime() : TimeZoneInfo.ConvertTime(value, zone);
        return local.ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    private static string? Marker(int revision, int? failed, int? restored, string failedText, string restoredText) =>
        revision == failed ? failedText : revision == restored ? restoredText : null;
}
