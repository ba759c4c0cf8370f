namespace HelmSentinel.Cli;

/// <summary>A parsed command line: the command, its options (each possibly repeated) and what followed <c>--</c>.</summary>
/// <param name="Command">The first word, e.g. <c>deploy</c>.</param>
/// <param name="Options">Option values by long name, in the order given.</param>
/// <param name="Rest">Arguments after a bare <c>--</c>.</param>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, IReadOnlyList<string>> Options, IReadOnlyList<string> Rest)
{
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["-n"] = "namespace",
        ["-f"] = "values",
        ["-h"] = "help",
    };

    /// <summary>Parses <c>command --name value --name=value --flag [--] rest…</c>. Pure.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="flags">Options that may stand without a value (then true); a following word that is not an option is taken as their value.</param>
    /// <exception cref="CommandLineException">A stray word or an option without its value.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(flags);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            return new CommandLine(args.Count > 0 && args[0] is "--help" or "-h" ? "help" : "", new Dictionary<string, IReadOnlyList<string>>(), []);
        }

        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i + 1));
                break;
            }

            string name;
            string? value = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                name = eq < 0 ? arg[2..] : arg[2..eq];
                value = eq < 0 ? null : arg[(eq + 1)..];
            }
            else if (ShortNames.TryGetValue(arg, out var longName))
            {
                name = longName;
            }
            else
            {
                throw new CommandLineException($"unexpected argument '{arg}'. Options start with --; helm flags go after a bare --.");
            }

            if (value is null)
            {
                if (flags.Contains(name))
                {
                    // No command takes positional words, so a word after a flag is its value (validated later).
                    var next = i + 1 < args.Count ? args[i + 1] : null;
                    if (next is not null && !next.StartsWith('-'))
                    {
                        value = next;
                        i++;
                    }
                    else
                    {
                        value = "true";
                    }
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new CommandLineException($"option --{name} needs a value.");
                }
            }

            if (!options.TryGetValue(name, out var list))
            {
                options[name] = list = [];
            }

            list.Add(value);
        }

        return new CommandLine(
            args[0],
            options.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal),
            rest);
    }

    /// <summary>The last value of an option, or null.</summary>
    public string? Value(string name) => Options.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
}

/// <summary>The command line could not be understood.</summary>
public sealed class CommandLineException(string message) : Exception(message);
