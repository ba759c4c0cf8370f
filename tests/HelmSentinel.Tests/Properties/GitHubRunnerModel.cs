namespace HelmSentinel.Tests.Properties;

/// <summary>
/// How the GitHub Actions runner reads workflow commands and file commands, written from its source
/// (actions/runner @258d6c8: <c>Runner.Common/ActionCommand.cs</c> TryParseV2 and the legacy TryParse,
/// <c>Runner.Worker/ActionCommandManager.cs</c>, <c>Runner.Worker/FileCommandManager.cs</c> EnvFileKeyValuePairs)
/// and <c>/work/shared/facts/ci-protocols.md</c> §2. Culture-sensitive searches go through <see cref="RunnerText"/>.
/// </summary>
internal static class GitHubRunnerModel
{
    /// <summary>The commands the runner registers (case-insensitive; a <c>stop-commands</c> token is added while it holds).</summary>
    public static IReadOnlySet<string> Registered { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group", "notice", "remove-matcher",
        "save-state", "set-env", "set-output", "stop-commands", "warning",
    };

    private static readonly (string Token, string Replacement)[] DataMappings = [("\r", "%0D"), ("\n", "%0A"), ("%", "%25")];

    private static readonly (string Token, string Replacement)[] PropertyMappings =
        [("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")];

    private static readonly (string Token, string Replacement)[] LegacyMappings =
        [(";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"), ("%", "%25")];

    /// <summary>One parsed command; <paramref name="Legacy"/> when it was read in the old <c>##[name]data</c> form.</summary>
    public sealed record Command(string Name, IReadOnlyDictionary<string, string> Properties, string Data, bool Legacy);

    /// <summary>The command on one line, as <c>ActionCommandManager.TryProcessCommand</c> reads it (the new form, then the
    /// legacy one), or null for a line the runner prints as text.</summary>
    public static Command? Parse(string line, IReadOnlySet<string>? registered = null) =>
        TryParseV2(line, registered ?? Registered) ?? TryParseLegacy(line, registered ?? Registered);

    /// <summary>Every command in a step's output, line by line, honouring <c>stop-commands</c> (a command while stopped
    /// is text, until the token comes back as a command).</summary>
    public static IReadOnlyList<Command> Commands(string output)
    {
        var registered = new HashSet<string>(Registered, StringComparer.OrdinalIgnoreCase);
        string? stopToken = null;
        var commands = new List<Command>();
        foreach (var line in RunnerText.Lines(output))
        {
            if (Parse(line, registered) is not { } command)
            {
                continue;
            }

            if (stopToken is not null)
            {
                if (string.Equals(command.Name, stopToken, StringComparison.OrdinalIgnoreCase))
                {
                    registered.Remove(stopToken);
                    stopToken = null;
                }

                continue;
            }

            if (string.Equals(command.Name, "stop-commands", StringComparison.OrdinalIgnoreCase))
            {
                stopToken = command.Data;
                registered.Add(stopToken);
            }

            commands.Add(command);
        }

        return commands;
    }

    /// <summary>The data as it was written: <c>WorkflowCommands</c> puts a zero-width space before data that starts with a
    /// combining character (<see cref="RunnerText"/>: it would hide the separator), and the runner reads it back with it.</summary>
    public static string AsWritten(string read, string written) =>
        read.Length == written.Length + 1 && read[0] == '\u200B' && RunnerText.IsCombiningAt(written, 0) ? read[1..] : read;

    private static Command? TryParseV2(string line, IReadOnlySet<string> registered)
    {
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        var message = line.TrimStart();
        if (!RunnerText.StartsWith(message, "::"))
        {
            return null;
        }

        var end = RunnerText.IndexOf(message, "::", 2);
        if (end < 0)
        {
            return null;
        }

        var info = message[2..end];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        if (!registered.Contains(name))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (var property in info[(space + 1)..].Trim().Split([','], StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = property.Split(['='], count: 2, options: StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2)
                {
                    properties[pair[0]] = RunnerText.Unescape(pair[1], PropertyMappings);
                }
            }
        }

        return new Command(name, properties, RunnerText.Unescape(message[(end + 2)..], DataMappings), Legacy: false);
    }

    private static Command? TryParseLegacy(string line, IReadOnlySet<string> registered)
    {
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        var prefix = RunnerText.IndexOf(line, "##[", 0);
        if (prefix < 0)
        {
            return null;
        }

        var bracket = line.IndexOf(']', prefix);
        var start = prefix + 3;
        if (bracket < start)
        {
            // Not found, or found inside a prefix that ICU matched with an ignorable character: Substring throws, the runner catches.
            return null;
        }

        var info = line[start..bracket];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        if (!registered.Contains(name))
        {
            return null;
        }

        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (var property in info[(space + 1)..].Split([';'], StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = property.Split(['='], count: 2, options: StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2)
                {
                    properties[pair[0]] = RunnerText.Unescape(pair[1], LegacyMappings);
                }
            }
        }

        return new Command(name, properties, RunnerText.Unescape(line[(bracket + 1)..], LegacyMappings), Legacy: true);
    }

    /// <summary>
    /// The pairs of a file command file (<c>$GITHUB_OUTPUT</c>, <c>$GITHUB_ENV</c>) as <c>EnvFileKeyValuePairs</c> reads it;
    /// <paramref name="windows"/> also ends lines at <c>\r\n</c>. Throws <see cref="FormatException"/> where the runner throws.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FileCommands(string text, bool windows)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var index = 0;
        var line = ReadLine(text, ref index, windows, out _);
        while (line is not null)
        {
            if (line.Length > 0)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
                if (equals >= 0 && (heredoc < 0 || equals < heredoc))
                {
                    var split = line.Split(['='], 2, StringSplitOptions.None);
                    pairs.Add(new(split[0], split[1]));
                }
                else if (heredoc >= 0 && (equals < 0 || heredoc < equals))
                {
                    var split = line.Split(["<<"], 2, StringSplitOptions.None);
                    if (split[0].Length == 0 || split[1].Length == 0)
                    {
                        throw new FormatException($"Invalid format '{line}'. Name must not be empty and delimiter must not be empty");
                    }

                    var delimiter = split[1];
                    var start = index;
                    var end = index;
                    var value = ReadLine(text, ref index, windows, out var newline);
                    while (!string.Equals(value, delimiter, StringComparison.Ordinal))
                    {
                        if (value is null)
                        {
                            throw new FormatException($"Invalid value. Matching delimiter not found '{delimiter}'");
                        }

                        if (newline is null)
                        {
                            throw new FormatException("Invalid value. EOF marker missing new line.");
                        }

                        end = index - newline.Length;
                        value = ReadLine(text, ref index, windows, out newline);
                    }

                    pairs.Add(new(split[0], end > start ? text[start..end] : string.Empty));
                }
                else
                {
                    throw new FormatException($"Invalid format '{line}'");
                }
            }

            line = ReadLine(text, ref index, windows, out _);
        }

        return pairs;
    }

    private static string? ReadLine(string text, ref int index, bool windows, out string? newline)
    {
        if (index >= text.Length)
        {
            newline = null;
            return null;
        }

        var start = index;
        var lf = text.IndexOf('\n', index);
        if (lf < 0)
        {
            index = text.Length;
            newline = null;
            return text[start..];
        }

        if (windows)
        {
            var crlf = text.IndexOf("\r\n", index, StringComparison.Ordinal);
            if (crlf >= 0 && crlf < lf)
            {
                index = crlf + 2;
                newline = "\r\n";
                return text[start..crlf];
            }
        }

        index = lf + 1;
        newline = "\n";
        return text[start..lf];
    }
}
