using System.Globalization;
using System.Text;
using CsCheck;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// Generators shared by the property tests: text built from the pieces that matter to some parser in the project
/// (runner escapes, heredoc delimiters, <c>key=value</c> escapes, paths, flags), mixed with arbitrary UTF-16 (lone
/// surrogates, NUL, controls, zero-width and combining characters) and, now and then, very long.
/// </summary>
internal static class Generators
{
    /// <summary>Cases per property: CI runs every property this many times (each stays well under 10 s on 2 cores).</summary>
    public const long Iterations = 10_000;

    /// <summary>Pieces that mean something to one of the parsers under test.</summary>
    public static readonly string[] Tricky =
    [
        "=", "==", "\\", "\\\\", "\\=", "\\,", "\\.", ",", ".", "..", "[", "]", "[0]", "{", "}", ":", "::", ";", "%", "%%",
        "%25", "%0A", "%0D", "%3A", "%2C", "%3B", "%5D", "%AZP25", "%VSTS", "##", "##vso[", "##VSO[", "##[", "##[error]",
        "::error::", "::add-mask::", "::stop-commands::", "task.setvariable variable=x", "<<", "EOF", "ghadelimiter_",
        "\r", "\n", "\r\n", "\n\r", "\u0085", "\u2028", "\0", "\t", " ", "  ", "\u00A0", "\u200B", "\u00AD", "\uFEFF",
        "\u200D", "\u0301", "\u0E33", "\uD83D\uDE00", "\uD800", "\uDC00", "\u00E9", "\u0130", "\u212A", "*", "***", "'",
        "\"", "/", "//", "~", "~/", "./", "../", "C:\\", "\\\\server\\share", "oci://", "://", ".tgz", "-", "--", "---",
        "-n", "-h", "--namespace", "--help", "--set", "a", "web", "0", "1", "5m", "1h30m", "9999999999999999999999",
    ];

    /// <summary>One piece: a tricky one, a short ASCII word, any UTF-16 characters, or a control character.</summary>
    public static readonly Gen<string> Piece = Gen.Frequency(
        (4, Gen.OneOf(Tricky)),
        (3, Gen.String[Gen.Char['a', 'z'], 1, 5]),
        (2, Gen.String[Gen.Char, 1, 3]),
        (1, Gen.Char['\0', '\u001f'].Select(c => c.ToString())));

    /// <summary>Short hostile text: up to a dozen pieces.</summary>
    public static readonly Gen<string> Text = Piece.Array[0, 12].Select(pieces => string.Concat(pieces));

    /// <summary>Hostile text, once in a while repeated into a very long string (thousands of characters).</summary>
    public static readonly Gen<string> Hostile = Gen.Frequency(
        (30, Text),
        (1, Gen.Select(Text, Gen.Int[50, 400], (text, times) => string.Concat(Enumerable.Repeat(text.Length == 0 ? "x" : text, times)))));

    /// <summary>Hostile text without line breaks (one line, as a runner reads it).</summary>
    public static readonly Gen<string> OneLine = Hostile.Select(t => t.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));

    /// <summary>The text with every character outside printable ASCII written as <c>\uXXXX</c>, for a failure message
    /// that can be pasted into a C# string literal.</summary>
    public static string Show(string? text)
    {
        if (text is null)
        {
            return "null";
        }

        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Several texts shown as a C# collection expression.</summary>
    public static string Show(IEnumerable<string> texts) => "[" + string.Join(", ", texts.Select(Show)) + "]";
}
