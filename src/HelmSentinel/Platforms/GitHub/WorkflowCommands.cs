using System.Buffers;
using System.Globalization;
using System.Text;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// GitHub Actions workflow commands (<c>::name prop=value::data</c>), formatted as strings. Pure: the caller
/// writes the line to standard output. Data escapes <c>%</c>, <c>\r</c> and <c>\n</c>; property values also
/// escape <c>:</c> and <c>,</c>, as the runner expects.
/// </summary>
/// <remarks>
/// The runner (actions/runner <c>ActionCommand.TryParseV2</c>) trims the properties, splits them on <c>,</c> and each on
/// its first <c>=</c>, dropping empty parts; so a value's leading <c>=</c> are lost, and nothing in its escaping can
/// keep them. It finds the <c>::</c> before the data with a culture-sensitive search: ICU (Linux and macOS runners)
/// fuses a combining character with the <c>:</c> before it and finds no <c>::</c> at all, so data that starts with
/// one gets a zero-width space in front, which ICU ignores.
/// </remarks>
public static class WorkflowCommands
{
    // The runner's commands (ActionCommandManager; names compare case-insensitively). It prints a line with any other
    // name as text, and its legacy parser would then read a "##[" in the data as a command of its own.
    private static readonly HashSet<string> RunnerCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group", "notice", "remove-matcher",
        "save-state", "set-env", "set-output", "stop-commands", "warning",
    };

    /// <summary>Registers a value the runner must mask in every later log line.</summary>
    public static string AddMask(string value) => Command("add-mask", [], value);

    /// <summary>Starts a collapsible group in the log.</summary>
    public static string Group(string title) => Command("group", [], title);

    /// <summary>Ends the current group.</summary>
    public static string EndGroup() => "::endgroup::";

    /// <summary>An error annotation on the run, with an optional title.</summary>
    public static string Error(string message, string? title = null) =>
        Command("error", title is null ? [] : [("title", title)], message);

    /// <summary>A warning annotation on the run, with an optional title.</summary>
    public static string Warning(string message, string? title = null) =>
        Command("warning", title is null ? [] : [("title", title)], message);

    /// <summary>A notice annotation on the run, with an optional title.</summary>
    public static string Notice(string message, string? title = null) =>
        Command("notice", title is null ? [] : [("title", title)], message);

    /// <summary>A debug line, shown only when step debug logging is on.</summary>
    public static string Debug(string message) => Command("debug", [], message);

    /// <summary>Formats any command: <c>::name k=v,k2=v2::data</c>.</summary>
    /// <exception cref="ArgumentException">The name is not one of the runner's commands, or a key is not a property name
    /// (ASCII letters, digits, <c>-</c> and <c>_</c>, starting with a letter).</exception>
    public static string Command(string name, IReadOnlyList<(string Key, string Value)> properties, string data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(properties);
        if (!RunnerCommands.Contains(name))
        {
            throw new ArgumentException($"'{name}' is not a workflow command the runner knows.", nameof(name));
        }

        var line = new StringBuilder("::").Append(name);
        var last = string.Empty;
        for (var i = 0; i < properties.Count; i++)
        {
            var key = properties[i].Key;
            if (string.IsNullOrEmpty(key) || !char.IsAsciiLetter(key[0]) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"'{key}' is not a property name the runner can read; expected letters and digits.", nameof(properties));
            }

            last = EscapeProperty(properties[i].Value);
            line.Append(i == 0 ? ' ' : ',').Append(key).Append('=').Append(last);
        }

        // The runner trims the properties: a ',' after a last value that ends in white space keeps it.
        if (last.Length > 0 && char.IsWhiteSpace(last[^1]))
        {
            line.Append(',');
        }

        line.Append("::");
        if (FusesWithColon(data))
        {
            line.Append('\u200B');
        }

        return line.Append(EscapeData(data)).ToString();
    }

    /// <summary>Escapes command data: <c>%</c> first, then carriage returns and line feeds.</summary>
    public static string EscapeData(string? value) => (value ?? string.Empty)
        .Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a property value: as data, plus <c>:</c> and <c>,</c>.</summary>
    public static string EscapeProperty(string? value) => EscapeData(value)
        .Replace(":", "%3A", StringComparison.Ordinal)
        .Replace(",", "%2C", StringComparison.Ordinal);

    // A first character that ICU fuses with the ':' before it: combining marks, modifier letters and symbols (measured:
    // U+FF9E, the emoji skin tones), and the Thai and Lao vowels that decompose to one.
    private static bool FusesWithColon(string? data) =>
        !string.IsNullOrEmpty(data) && data[0] >= 0x80 && Rune.DecodeFromUtf16(data, out var first, out _) == OperationStatus.Done
        && (Rune.GetUnicodeCategory(first) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
            || first.Value is 0x0E33 or 0x0EB3);
}
