using System.Buffers;
using System.Globalization;
using System.Text;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// What the GitHub runner and the Azure agent do to a step's output before they parse it, shared by their models:
/// how they cut it into lines and how their culture-sensitive searches match a command prefix.
/// </summary>
/// <remarks>
/// Both read standard output with <c>StreamReader.ReadLine</c> (actions/runner <c>ProcessInvoker.StartReadStream</c>,
/// azure-pipelines-agent <c>Agent.Sdk/ProcessInvoker</c>), and both look for their prefixes with the culture-sensitive
/// <c>string.StartsWith(string)</c> / <c>IndexOf(string)</c>, with <c>InvariantGlobalization</c> false (their
/// <c>src/Common.props</c>): on Linux that is ICU. Measured against ICU 72 with those very calls, ICU skips control
/// characters other than white space (NUL included) and format characters (U+200B, U+00AD, U+FEFF, …) inside a match,
/// and a combining character right after a match fuses with its last character, so there is no match there
/// (<c>"::error::\u0301x".IndexOf("::", 2)</c> is -1). This test process runs with invariant globalization, so the model
/// does it by hand, ordinally.
/// </remarks>
internal static class RunnerText
{
    /// <summary>The lines <c>StreamReader.ReadLine</c> returns: <c>\r\n</c>, <c>\r</c> and <c>\n</c> end a line.</summary>
    public static IReadOnlyList<string> Lines(string output)
    {
        var lines = new List<string>();
        var start = 0;
        var i = 0;
        while (i < output.Length)
        {
            var c = output[i];
            if (c is '\r' or '\n')
            {
                lines.Add(output[start..i]);
                i += c == '\r' && i + 1 < output.Length && output[i + 1] == '\n' ? 2 : 1;
                start = i;
            }
            else
            {
                i++;
            }
        }

        if (start < output.Length)
        {
            lines.Add(output[start..]);
        }

        return lines;
    }

    /// <summary>A character ICU skips inside a match.</summary>
    public static bool IsIgnorable(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control => c is not ('\t' or '\n' or '\v' or '\f' or '\r' or '\u0085'),
        UnicodeCategory.Format => true,
        _ => false,
    };

    /// <summary>True when the character (or surrogate pair) at <paramref name="index"/> fuses with the one before it, so a
    /// match cannot end just before it: combining marks, and the few others measured (U+0E33, U+0EB3, U+FF9E, U+FF9F, the
    /// emoji skin tones U+1F3FB to U+1F3FF).</summary>
    public static bool IsCombiningAt(string text, int index)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out _) != OperationStatus.Done)
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            || rune.Value is 0x0E33 or 0x0EB3 or 0xFF9E or 0xFF9F or (>= 0x1F3FB and <= 0x1F3FF);
    }

    /// <summary>Culture-sensitive <c>text.IndexOf(value, start)</c> as ICU answers it (value holds no ignorable character).</summary>
    public static int IndexOf(string text, string value, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (MatchLength(text, i, value) > 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Culture-sensitive <c>text.StartsWith(value)</c> as ICU answers it: leading ignorable characters are skipped.</summary>
    public static bool StartsWith(string text, string value)
    {
        var i = 0;
        while (i < text.Length && IsIgnorable(text[i]))
        {
            i++;
        }

        return MatchLength(text, i, value) > 0;
    }

    // The length of the match of value at text[at..], skipping ignorable characters between its characters; 0 for none.
    private static int MatchLength(string text, int at, string value)
    {
        var i = at;
        for (var k = 0; k < value.Length; k++)
        {
            if (k > 0)
            {
                while (i < text.Length && IsIgnorable(text[i]))
                {
                    i++;
                }
            }

            if (i >= text.Length || text[i] != value[k])
            {
                return 0;
            }

            i++;
        }

        return i < text.Length && IsCombiningAt(text, i) ? 0 : i - at;
    }

    /// <summary>The runners' unescaping: each replacement replaced by its token, mapping after mapping, in order.</summary>
    public static string Unescape(string escaped, IReadOnlyList<(string Token, string Replacement)> mappings)
    {
        var text = escaped;
        foreach (var (token, replacement) in mappings)
        {
            text = text.Replace(replacement, token, StringComparison.Ordinal);
        }

        return text;
    }
}
