using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace HelmSentinel.Cli.Parsing;

/// <summary>
/// <c>--help</c>: System.CommandLine's help, generated from the command's declaration, followed by the command's
/// <see cref="CliCommand.HelpNotes"/>. System.CommandLine 3 keeps its help builder internal, so this wraps its action.
/// </summary>
/// <param name="generated">The <see cref="HelpOption"/>'s own action.</param>
internal sealed class HelpWithNotesAction(HelpAction generated) : SynchronousCommandLineAction
{
    /// <summary>Help wins over the errors of the rest of the line (<c>deploy --help</c> needs no <c>--release</c>).</summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var code = generated.Invoke(parseResult);
        if (parseResult.CommandResult.Command is CliCommand { HelpNotes: { } notes })
        {
            parseResult.InvocationConfiguration.Output.WriteLine(notes);
        }

        return code;
    }

    /// <summary>Puts this action on the root's help option, which every command inherits.</summary>
    public static void Install(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithNotesAction((HelpAction)help.Action!);
    }

    /// <summary>Writes the help of a command, the root's by default, as <c>--help</c> would.</summary>
    public static int Write(RootCommand root, TextWriter output, params string[] commandPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Parse([.. commandPath, "--help"]).Invoke(new InvocationConfiguration { Output = output });
    }
}
