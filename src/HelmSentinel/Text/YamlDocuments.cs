using System.Text;

namespace HelmSentinel.Text;

/// <summary>Splits helm's multi-document output (<c>helm get manifest</c>, <c>helm get hooks</c>, <c>helm template</c>, a dry
/// run's <c>.manifest</c>) into its documents, each with the template path of its <c># Source:</c> line. Pure.</summary>
internal static class YamlDocuments
{
    private const string SourcePrefix = "# Source: ";

    /// <summary>The documents, in order, each with its <c># Source:</c> path when it has one. A line that is <c>---</c> alone
    /// (or <c>---</c> and a comment) ends a document: how helm joins them, and a line YAML itself never has inside one.</summary>
    public static IEnumerable<(string? Source, string Text)> Split(string text)
    {
        var current = new StringBuilder();
        string? source = null;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.TrimEnd() == "---" || line.StartsWith("--- ", StringComparison.Ordinal))
            {
                yield return (source, current.ToString());
                current.Clear();
                source = null;
                continue;
            }

            if (source is null && line.StartsWith(SourcePrefix, StringComparison.Ordinal))
            {
                source = line[SourcePrefix.Length..].Trim();
            }

            current.Append(line).Append('\n');
        }

        yield return (source, current.ToString());
    }
}
