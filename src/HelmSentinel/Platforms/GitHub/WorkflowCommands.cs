using System.Text;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>
/// GitHub Actions workflow commands (<c>::name prop=value::data</c>), formatted as strings. Pure: the caller
/// writes the line to standard output. Data escapes <c>%</c>, <c>\r</c> and <c>\n</c>; property values also
/// escape <c>:</c> and <c>,</c>, as the runner expects.
/// </summary>
public static class WorkflowCommands
{
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
    public static string Command(string name, IReadOnlyList<(string Key, string Value)> properties, string data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(properties);
        var line = new StringBuilder("::").Append(name);
        for (var i = 0; i < properties.Count; i++)
        {
            line.Append(i == 0 ? ' ' : ',').Append(properties[i].Key).Append('=').Append(EscapeProperty(properties[i].Value));
        }

        return line.Append("::").Append(EscapeData(data)).ToString();
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
}
