using System.Text;
using System.Text.RegularExpressions;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>
/// The Azure Pipelines agent's logging commands as strings, one line each: the only place in the project
/// that knows the <c>##vso[area.event key=value;…]data</c> and <c>##[group]</c> syntax. Pure.
/// </summary>
/// <remarks>
/// The agent splits properties on <c>;</c>, ends the property list at the first <c>]</c> and reads one line,
/// then decodes <c>%3B</c>, <c>%5D</c>, <c>%0D</c> and <c>%0A</c> in property values and data alike, and last
/// <c>%AZP25</c> into <c>%</c> when its <c>DECODE_PERCENTS</c> knob is on (the default of current agents); so those
/// four characters are encoded everywhere. A <c>%</c> that starts one of those five sequences is encoded as
/// <c>%AZP25</c>, or the agent would decode a literal <c>%3B</c> into <c>;</c> (and register a different value with
/// <c>task.setsecret</c>); any other <c>%</c> is left alone, so a text like <c>100%</c> reads the same on an agent with
/// the knob off, which shows <c>%AZP25</c> verbatim.
/// </remarks>
public static partial class AzureCommands
{
    // What the agent decodes (Agent.Sdk CommandStringConvertor.Unescape), in its order.
    private static readonly string[] Decoded = ["%3B", "%0D", "%0A", "%5D", "%AZP25"];

    /// <summary>Encodes a property value or data for a <c>##vso[…]</c> command.</summary>
    public static string Escape(string? value)
    {
        var text = value ?? string.Empty;
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var encoded = text[i] switch
            {
                ';' => "%3B",
                '\r' => "%0D",
                '\n' => "%0A",
                ']' => "%5D",
                '%' when StartsDecoded(text.AsSpan(i)) => "%AZP25",
                _ => null,
            };
            if (encoded is null)
            {
                escaped.Append(text[i]);
            }
            else
            {
                escaped.Append(encoded);
            }
        }

        return escaped.ToString();
    }

    private static bool StartsDecoded(ReadOnlySpan<char> text)
    {
        foreach (var sequence in Decoded)
        {
            if (text.StartsWith(sequence, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts a collapsible section of the log.</summary>
    public static string Group(string title) => "##[group]" + OneLine(title);

    /// <summary>Ends the section started by <see cref="Group"/>.</summary>
    public static string EndGroup() => "##[endgroup]";

    /// <summary>Registers a value the agent masks in every later line of the log.</summary>
    public static string SetSecret(string value) => "##vso[task.setsecret]" + Escape(value);

    /// <summary>An error shown on the run's summary page and in the log.</summary>
    public static string Error(string message) => "##vso[task.logissue type=error]" + Escape(message);

    /// <summary>A warning shown on the run's summary page and in the log.</summary>
    public static string Warning(string message) => "##vso[task.logissue type=warning]" + Escape(message);

    /// <summary>Sets an output variable, read by later steps as <c>$(step.name)</c>.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds more than letters, digits, <c>_</c> and <c>.</c>
    /// (the agent would drop an empty name, and the <c>=</c> a name starts with).</exception>
    public static string SetOutput(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            throw new ArgumentException($"'{name}' is not a variable name; expected letters, digits, '_' and '.'.", nameof(name));
        }

        return $"##vso[task.setvariable variable={name};isOutput=true;issecret=false]{Escape(value)}";
    }

    /// <summary>Attaches a Markdown file (absolute path) to the run's summary page as its own section.</summary>
    public static string UploadSummary(string path) => "##vso[task.uploadsummary]" + Escape(path);

    /// <summary>Adds a tag to the build.</summary>
    public static string AddBuildTag(string tag) => "##vso[build.addbuildtag]" + Escape(tag);

    /// <summary>Sets the task's result, with a message shown beside it.</summary>
    public static string Complete(bool succeeded, string message) =>
        $"##vso[task.complete result={(succeeded ? "Succeeded" : "Failed")};]{Escape(message)}";

    /// <summary>
    /// Text for the log that the agent must not read as a command: every line of it is returned on its own,
    /// with a zero-width space between the two <c>#</c> of <c>##vso[</c> or <c>##[</c> (a chart's NOTES or
    /// helm's output could otherwise set variables or secrets). Looks the same to a reader.
    /// </summary>
    public static IEnumerable<string> PlainLines(string? text)
    {
        // The agent reads a lone '\r' as a line break too.
        foreach (var line in (text ?? string.Empty).Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            yield return CommandPrefix().Replace(line, "#\u200B");
        }
    }

    // The first '#' of "##vso[" (any case) and of "##[": the zero-width space goes after it, the text keeps its case.
    [GeneratedRegex(@"#(?=#(?:vso)?\[)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommandPrefix();

    private static string OneLine(string text) =>
        string.Join(' ', PlainLines(text).Where(l => l.Length > 0)).Trim();
}
