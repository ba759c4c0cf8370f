using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text;

namespace HelmSentinel.Cli.Parsing;

/// <summary>
/// What to print for a command line that cannot run: System.CommandLine's errors (a bad value names its option), its
/// "did you mean" for a mistyped option or command, and where to read more. Returns the text; writes nothing.
/// </summary>
internal static class ParseErrors
{
    /// <summary>The text for standard error when the line cannot run, or null when it can (including help).</summary>
    public static string? Describe(CliLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parse = line.Result;
        var command = parse.CommandResult.Command;
        if (parse.Action is not ParseErrorAction)
        {
            // Only deploy hands words to helm; another command would silently ignore them.
            return line.HelmFlags.Count > 0 && command is not CliCommand { TakesHelmFlags: true } && parse.Action == command.Action
                ? $"error: '{command.Name}' passes nothing to helm: only deploy takes helm flags after a bare --.\n{Hint(parse)}\n"
                : null;
        }

        var text = new StringBuilder();
        var root = (RootCommand)parse.RootCommandResult.Command;
        if (command == root)
        {
            var first = parse.UnmatchedTokens.FirstOrDefault();
            if (parse.Tokens.Count == 0)
            {
                text.Append("error: no command given.\n");
            }
            else if (first is not null && !first.StartsWith('-'))
            {
                text.Append("error: unknown command '").Append(first).Append("'.\n");
            }
            else
            {
                AppendErrors(text, parse);
            }

            _ = AppendSuggestions(text, root, [], parse.UnmatchedTokens.Take(1));
            text.Append('\n');
            using var help = new StringWriter();
            HelpWithNotesAction.Write(root, help);
            return text.Append(help).ToString();
        }

        AppendErrors(text, parse);
        var path = CommandPath(parse.CommandResult);
        var unknown = AppendSuggestions(text, root, path, parse.UnmatchedTokens.Where(t => t.StartsWith('-')));
        if (command is CliCommand { TakesHelmFlags: true } && unknown > 0)
        {
            // An option nothing like ours is most likely one of helm's.
            text.Append("helm's own flags go after a bare --, e.g. ").Append(Hint(parse, "... -- --skip-crds")).Append('\n');
        }

        if (parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
        {
            // The first bare -- of the command line was split off before parsing, so this one came from a response file.
            text.Append("error: a bare -- in a response file: helm flags go after a bare -- on the command line itself.\n");
        }

        return text.Append(Hint(parse)).Append('\n').ToString();
    }

    private static void AppendErrors(StringBuilder text, ParseResult parse)
    {
        foreach (var error in parse.Errors)
        {
            text.Append("error: ").Append(error.Message).Append('\n');
        }
    }

    // System.CommandLine suggests only while it reports a parse error, and for every unmatched word, options or not
    // ('5m' after a mistyped --timout would get -n, -f and -h). So each mistyped word is parsed alone, after its
    // command, and only the suggestions are kept. Returns how many words got none.
    private static int AppendSuggestions(StringBuilder text, RootCommand root, IReadOnlyList<string> path, IEnumerable<string> words)
    {
        var unknown = 0;
        foreach (var word in words)
        {
            var said = "";
            if (root.Parse([.. path, word]) is { Action: ParseErrorAction action } probe)
            {
                action.ShowHelp = false;
                using var suggestions = new StringWriter();
                probe.Invoke(new InvocationConfiguration { Output = suggestions, Error = TextWriter.Null });
                said = suggestions.ToString().Trim();
            }

            if (said.Length > 0)
            {
                text.Append(said.ReplaceLineEndings("\n")).Append('\n');
            }
            else
            {
                unknown++;
            }
        }

        return unknown;
    }

    private static List<string> CommandPath(CommandResult command)
    {
        var path = new List<string>();
        for (var result = command; result.Parent is CommandResult parent; result = parent)
        {
            path.Insert(0, result.Command.Name);
        }

        return path;
    }

    private static string Hint(ParseResult parse) => $"run '{Hint(parse, "--help")}' for the options.";

    private static string Hint(ParseResult parse, string rest) =>
        $"{((RootCommand)parse.RootCommandResult.Command).HelpName} {parse.CommandResult.Command.Name} {rest}";
}
