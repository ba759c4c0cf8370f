using HelmSentinel.Text;

namespace HelmSentinel.Bench;

/// <summary>One mark of a deploy's timeline: how long after the first mark it happened, and what it says.</summary>
internal sealed record TimelineMark(TimeSpan Offset, string What);

/// <summary>
/// Reads the marks back from the Mermaid timeline of helm-sentinel's Markdown report (<c>--summary-file</c>): lines
/// <c>    +6.4s : check healthz failed</c> inside the block after <c>#### Timeline</c>. The report is what a pipeline
/// keeps, so the bench measures from it rather than from a side channel; its offsets are rounded to a tenth of a second.
/// </summary>
internal static class TimelineMarks
{
    /// <summary>The marks in report order; empty when the report has no timeline.</summary>
    public static IReadOnlyList<TimelineMark> Parse(string markdown)
    {
        var marks = new List<TimelineMark>();
        var inTimeline = false;
        foreach (var line in markdown.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (text == "```mermaid")
            {
                inTimeline = true;
                continue;
            }

            if (!inTimeline)
            {
                continue;
            }

            if (text == "```")
            {
                break;
            }

            var trimmed = text.TrimStart();
            var separator = trimmed.IndexOf(" : ", StringComparison.Ordinal);
            if (trimmed.StartsWith('+') && separator > 1 && GoDuration.TryParse(trimmed[1..separator], out var offset))
            {
                marks.Add(new TimelineMark(offset, trimmed[(separator + 3)..]));
            }
        }

        return marks;
    }

    /// <summary>The time from the first mark starting with <paramref name="from"/> to the first later one starting with <paramref name="to"/>; null when either is missing.</summary>
    public static TimeSpan? Between(IReadOnlyList<TimelineMark> marks, string from, string to)
    {
        var start = marks.FirstOrDefault(m => m.What.StartsWith(from, StringComparison.Ordinal));
        if (start is null)
        {
            return null;
        }

        var end = marks.SkipWhile(m => m != start).FirstOrDefault(m => m.What.StartsWith(to, StringComparison.Ordinal));
        return end is null ? null : end.Offset - start.Offset;
    }
}
