using System.Globalization;

namespace HelmSentinel.Text;

/// <summary>Plain-text helpers every report and platform formatter needs: one line, a bounded length, numbers.</summary>
internal static class TextFormat
{
    /// <summary>The text on one line: its lines trimmed and joined with single spaces, blank lines dropped.</summary>
    public static string OneLine(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The text cut to <paramref name="max"/> characters, ending in <paramref name="ellipsis"/> when cut.</summary>
    public static string Cut(string text, int max, string ellipsis) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - ellipsis.Length), ellipsis);

    /// <summary>A whole number in the invariant culture.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A whole number in the invariant culture, or the empty string for null.</summary>
    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Each line of <paramref name="text"/> prefixed with <paramref name="prefix"/>, trailing white space removed.</summary>
    public static string Indent(string text, string prefix) =>
        string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(line => (prefix + line).TrimEnd()));

    /// <summary>The first line of <paramref name="text"/>.</summary>
    public static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
