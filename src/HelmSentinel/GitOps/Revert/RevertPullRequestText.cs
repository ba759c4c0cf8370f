using System.Text;

namespace HelmSentinel.GitOps.Revert;

/// <summary>
/// The texts of a revert: the pull request's title and body, the comment on the original pull request, and the hidden
/// markers a later run finds them by. Pure.
/// </summary>
public static class RevertPullRequestText
{
    /// <summary>GitHub refuses pull request bodies and comments longer than this many characters.</summary>
    public const int GitHubMaxBodyLength = 65_536;

    /// <summary>Azure Repos refuses a pull request description longer than this ("A description for a pull request must
    /// not be longer than 4000 characters").</summary>
    public const int AzureReposMaxDescriptionLength = 4_000;

    /// <summary>The hidden first line of the revert pull request's body.</summary>
    public static string BodyMarker(string revision) => $"<!-- helm-sentinel:revert revision={Hex(revision)} -->";

    /// <summary>The hidden first line of the comment on the original pull request.</summary>
    public static string CommentMarker(string revision) => $"<!-- helm-sentinel:revert-comment revision={Hex(revision)} -->";

    /// <summary><c>Revert "&lt;original title&gt;"</c>, or the commit's subject when no pull request brought it in.</summary>
    public static string Title(OriginalPullRequest? original, string subject) =>
        original is null
            ? (subject.StartsWith("Revert \"", StringComparison.Ordinal) ? "Reapply " + subject["Revert ".Length..] : $"Revert \"{subject}\"")
            : $"Revert \"{original.Title}\"";

    /// <summary>
    /// The body: marker, why (the original pull request and commit), the diagnosis (cut to fit <paramref name="maxLength"/>
    /// with a note saying where the rest is), what HelmSentinel did, and the run's link.
    /// </summary>
    public static string Body(RevertRequest request, string revision, string branch, OriginalPullRequest? original, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(request);
        var head = new StringBuilder(BodyMarker(revision)).Append('\n');
        head.Append("## Revert ").Append(revision[..7]).Append('\n').Append('\n');
        head.Append("The application degraded after ")
            .Append(original is null ? $"commit `{revision}`" : $"{Link(original)} (commit `{revision}`)")
            .Append(" reached it, so HelmSentinel reverts it here.\n\n");

        var tail = new StringBuilder("\n### What HelmSentinel did\n\n");
        tail.Append("- `git revert --no-edit -m 1 ").Append(revision).Append("` on `").Append(branch).Append("`, pushed to this branch.\n");
        if (original is not null)
        {
            tail.Append("- Commented on ").Append(Link(original)).Append(".\n");
        }

        tail.Append("- Nothing else: merging this pull request lets the GitOps controller roll the application back.\n");
        tail.Append("\n<sub>helm-sentinel");
        if (request.RunUrl is { } url)
        {
            tail.Append(" · [").Append(Plain(request.RunLabel)).Append("](").Append(Url(url)).Append(')');
        }

        tail.Append(" · this description is updated in place on later runs</sub>\n");

        var diagnosis = "### Diagnosis\n\n" + (string.IsNullOrWhiteSpace(request.Diagnosis) ? "_No diagnosis was given._\n" : request.Diagnosis.TrimEnd() + "\n");
        var room = maxLength - head.Length - tail.Length;
        return head + Bound(diagnosis, room, request.RunUrl is null ? "the full diagnosis is in the run's log" : "the full diagnosis is in the run's summary") + tail;
    }

    /// <summary>The comment on the original pull request: marker and a pointer to the revert pull request.</summary>
    public static string Comment(string revision, RevertPullRequest revert, RevertRequest request)
    {
        ArgumentNullException.ThrowIfNull(revert);
        ArgumentNullException.ThrowIfNull(request);
        var text = new StringBuilder(CommentMarker(revision)).Append('\n');
        text.Append("The application degraded after this pull request was merged (commit `").Append(revision).Append("`). HelmSentinel opened ")
            .Append(revert.Url is { } url ? $"[the revert pull request #{revert.Number}]({Url(url)})" : $"revert pull request #{revert.Number}")
            .Append(" with the diagnosis.");
        if (request.RunUrl is { } run)
        {
            text.Append(" [").Append(Plain(request.RunLabel)).Append("](").Append(Url(run)).Append(')');
        }

        return text.Append('\n').ToString();
    }

    /// <summary>
    /// <paramref name="markdown"/> cut at a line boundary to at most <paramref name="maxLength"/> characters, an open code
    /// fence closed, and a note saying how much was left out; text that fits is returned unchanged.
    /// </summary>
    public static string Bound(string markdown, int maxLength, string whereIsTheRest)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (markdown.Length <= maxLength)
        {
            return markdown;
        }

        var note = $"\n_Diagnosis truncated: {{0}} characters left out; {whereIsTheRest}._\n";
        var budget = maxLength - (note.Length + 10) - 8;
        if (budget < 1)
        {
            return string.Empty;
        }

        var cut = markdown.LastIndexOf('\n', budget - 1);
        var kept = cut < 0 ? string.Empty : markdown[..(cut + 1)];
        var fences = kept.Split('\n').Count(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
        var closing = fences % 2 == 1 ? "```\n" : string.Empty;
        return kept + closing + string.Format(System.Globalization.CultureInfo.InvariantCulture, note, markdown.Length - kept.Length);
    }

    private static string Link(OriginalPullRequest original) =>
        original.Url is { } url ? $"[#{original.Number} {Plain(original.Title)}]({Url(url)})" : $"#{original.Number} {Plain(original.Title)}";

    // A title in link text: brackets and line breaks would end it.
    private static string Plain(string text) =>
        string.Join(' ', (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    private static string Url(Uri url) => url.AbsoluteUri.Replace(")", "%29", StringComparison.Ordinal);

    private static string Hex(string revision) => new([.. (revision ?? "").Where(Uri.IsHexDigit)]);
}
