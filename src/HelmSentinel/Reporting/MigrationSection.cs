using System.Text;
using HelmSentinel.Migrations;
using HelmSentinel.Text;

namespace HelmSentinel.Reporting;

/// <summary>The "destructive migrations" section of the deploy reports: each finding at its file and line, with the
/// expand/contract advice for its kind. Left out when the lint found nothing. Pure.</summary>
public static class MigrationSection
{
    /// <summary>Appends the plain-text section: <c>destructive migrations:</c>, then per finding its line and a
    /// <c>what to do:</c> line.</summary>
    public static void AppendText(StringBuilder text, MigrationLintResult? result, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(masker);
        if (result is null || result.Findings.Count == 0)
        {
            return;
        }

        text.Append("destructive migrations").Append(Since(result)).Append(":\n");
        foreach (var finding in result.Findings)
        {
            text.Append("  - ").Append(TextFormat.OneLine(masker.Mask(finding.ToString()))).Append('\n');
            text.Append("      what to do: ").Append(finding.Advice).Append('\n');
        }
    }

    /// <summary>Appends the Markdown section: <c>#### Destructive migrations</c>, a bullet per finding with its advice.</summary>
    public static void AppendMarkdown(StringBuilder md, MigrationLintResult? result, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(masker);
        if (result is null || result.Findings.Count == 0)
        {
            return;
        }

        md.Append("#### Destructive migrations").Append(Markdown.EscapeInline(Since(result))).Append("\n\n");
        foreach (var finding in result.Findings)
        {
            md.Append("- ").Append(Markdown.Code(masker.Mask(finding.Location))).Append(' ').Append(finding.KindName).Append(": ")
                .Append(Markdown.Code(masker.Mask(finding.Statement))).Append("  \n  ")
                .Append(Markdown.EscapeInline(finding.Advice)).Append('\n');
        }

        md.Append('\n');
    }

    // A commit id as git shortens it; a branch as given.
    private static string Since(MigrationLintResult result) => result.Base switch
    {
        null => "",
        { Length: 40 } sha when sha.All(char.IsAsciiHexDigit) => $" (changed since {sha[..7]})",
        var revision => $" (changed since {TextFormat.OneLine(revision)})",
    };
}
