using System.Text;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>GitHub-flavoured Markdown building blocks, escaped so that no value becomes markup: escapes, code spans,
/// fenced blocks, bullets and a safe cut to a size limit. Pure.</summary>
internal static class Markdown
{
    /// <summary>
    /// Escapes text for a Markdown table cell: backslash-escapes the punctuation Markdown and tables give
    /// meaning to (including <c>|</c> and <c>&lt;</c>), and turns line breaks into <c>&lt;br&gt;</c>.
    /// </summary>
    public static string EscapeCell(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        return string.Join("<br>", lines.Select(EscapeInline));
    }

    /// <summary>Backslash-escapes Markdown punctuation in one line of text.</summary>
    public static string EscapeInline(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '~' or '&')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>A fenced text block holding <paramref name="text"/>, its fence longer than any run of backticks in it.</summary>
    public static string Fence(string text)
    {
        var fence = new string('`', Math.Max(3, LongestRun(text, '`') + 1));
        return fence + "text\n" + text + "\n" + fence + "\n\n";
    }

    /// <summary>A bullet holding one line of text, escaped.</summary>
    public static string Bullet(string text) => "- " + EscapeInline(TextFormat.OneLine(text)) + "\n";

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
        var note = $"\n_Report truncated: {{0}} characters left out; {EscapeInline(TextFormat.OneLine(whereIsTheRest))}._\n";
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

    /// <summary>A code span that survives backticks and pipes in the value (pipes must be escaped even inside code in a table).</summary>
    public static string Code(string value)
    {
        var text = TextFormat.OneLine(value).Replace("|", "\\|", StringComparison.Ordinal);
        if (text.Length == 0)
        {
            return "(empty)";
        }

        var ticks = new string('`', LongestRun(text, '`') + 1);
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : string.Empty;
        return ticks + pad + text + pad + ticks;
    }

    /// <summary>The longest run of <paramref name="c"/> in <paramref name="text"/>.</summary>
    public static int LongestRun(string text, char c)
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
