using HelmSentinel.Text;

namespace HelmSentinel.Bench;

/// <summary>
/// Reads the phases back from the "#### Phases" table of helm-sentinel's Markdown report (<c>--summary-file</c>): rows
/// <c>| detect-helm | 52ms |</c>, in the order the deploy ran them. Like the timeline, measured from what a pipeline keeps.
/// </summary>
internal static class PhaseTable
{
    /// <summary>The phases and their durations in report order; empty when the report has no phase table.</summary>
    public static IReadOnlyList<(string Name, TimeSpan Duration)> Parse(string markdown)
    {
        var phases = new List<(string, TimeSpan)>();
        var inTable = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == "#### Phases")
            {
                inTable = true;
                continue;
            }

            if (!inTable || line.StartsWith("| Phase ", StringComparison.Ordinal) || line.StartsWith("|---", StringComparison.Ordinal) || line.Length == 0)
            {
                if (inTable && line.Length == 0 && phases.Count > 0)
                {
                    break;
                }

                continue;
            }

            var cells = line.Trim('|').Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length == 2 && GoDuration.TryParse(cells[1], out var duration))
            {
                phases.Add((cells[0], duration));
            }
        }

        return phases;
    }

    /// <summary>Per phase name, in first-seen order, the median over the runs (a phase missing from a run counts as zero there).</summary>
    public static IReadOnlyList<(string Name, TimeSpan Median)> Medians(IReadOnlyList<IReadOnlyList<(string Name, TimeSpan Duration)>> runs)
    {
        var names = runs.SelectMany(r => r.Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
        return [.. names.Select(name => (name, Stats.Median([.. runs.Select(r => r.Where(p => p.Name == name).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration))])))];
    }
}
