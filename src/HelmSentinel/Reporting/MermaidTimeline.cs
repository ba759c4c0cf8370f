using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>
/// A Mermaid timeline of the deploy's marks, times relative to the first: upgrade start, first fatal state, helm
/// interrupted, rollback, restored. Mermaid gives <c>:</c>, <c>#</c> and <c>;</c> meaning in a timeline, so they are replaced.
/// </summary>
internal static class MermaidTimeline
{
    /// <summary>Appends the <c>#### Timeline</c> section; nothing when there are no marks.</summary>
    public static void Append(StringBuilder md, IReadOnlyList<TimelineEvent> timeline, SecretMasker masker)
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
                .Append(Text(masker.Mask(item.What))).Append('\n');
        }

        md.Append("```\n\n");
    }

    /// <summary>One line of text safe as a Mermaid timeline event: no separators, comments or markup; at most 100 characters.</summary>
    public static string Text(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in TextFormat.OneLine(text).Replace(": ", " - ", StringComparison.Ordinal))
        {
            builder.Append(c switch
            {
                ':' or ';' or '#' or '%' or '`' or '"' or '<' or '>' or '{' or '}' or '[' or ']' => ' ',
                _ => c,
            });
        }

        var line = string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return line.Length == 0 ? "(event)" : TextFormat.Cut(line, 100, "…");
    }
}
