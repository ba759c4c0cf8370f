using System.CommandLine;

namespace HelmSentinel.Cli.Parsing;

/// <summary>A helm-sentinel command: its options, its action, and what its help says after the generated part.</summary>
/// <param name="name">The command's word, e.g. <c>deploy</c>.</param>
/// <param name="description">One sentence, the first thing its help shows.</param>
internal abstract class CliCommand(string name, string description) : Command(name, description)
{
    /// <summary>Text the generated help cannot say (what goes after <c>--</c>, the exit codes); printed after the options.</summary>
    public string? HelpNotes { get; init; }

    /// <summary>True for the command that hands the words after a bare <c>--</c> to helm; the others refuse them.</summary>
    public bool TakesHelmFlags { get; init; }
}
