using System.Text;
using HelmSentinel.Reporting;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// The pull request comment: one per release and environment, found again on later runs by a hidden HTML
/// marker on its first line and updated in place. Pure.
/// </summary>
public static class PullRequestComment
{
    /// <summary>GitHub refuses comment bodies longer than this many characters.</summary>
    public const int MaxBodyLength = 65_536;

    /// <summary>The hidden first line that identifies the comment of <paramref name="release"/> in <paramref name="environment"/>.</summary>
    public static string Marker(string release, string environment) =>
        $"<!-- helm-sentinel:comment release={Safe(release)} environment={Safe(environment)} -->";

    /// <summary>True when <paramref name="body"/> is the comment of this marker.</summary>
    public static bool IsFor(string? body, string marker) =>
        body is not null && body.TrimStart().StartsWith(marker, StringComparison.Ordinal);

    /// <summary>The comment: marker, the report (cut safely to fit GitHub's limit) and a link to the run.</summary>
    public static string Body(string marker, string markdownReport, Uri? runUrl)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentNullException.ThrowIfNull(markdownReport);
        var footer = new StringBuilder("\n<sub>helm-sentinel");
        if (runUrl is not null)
        {
            footer.Append(" · [workflow run](").Append(runUrl.AbsoluteUri.Replace(")", "%29", StringComparison.Ordinal)).Append(')');
        }

        footer.Append(" · this comment is updated in place on every deploy</sub>\n");
        var room = MaxBodyLength - marker.Length - 1 - footer.Length - 64;
        var report = Markdown.Bound(markdownReport, room, runUrl is null ? "the full report is in the run's summary" : "the full report is in the workflow run's summary");
        return marker + "\n" + report + footer;
    }

    // Nothing that could end the HTML comment or break the marker's shape.
    private static string Safe(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            builder.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '/' ? c : c == '-' ? '-' : '_');
        }

        return builder.ToString().Replace("--", "-_", StringComparison.Ordinal);
    }
}
