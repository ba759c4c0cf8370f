using System.CommandLine;
using HelmSentinel.Cli.Commands;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;

namespace HelmSentinel.Cli;

/// <summary>The <c>helm-sentinel</c> command line: its commands, declared with System.CommandLine, and the exit code of a run.</summary>
public static class CliApp
{
    /// <summary>What help and errors call the program, whatever process hosts it (tests run it inside testhost).</summary>
    internal const string Name = "helm-sentinel";

    private const string Description =
        "helm-sentinel: a Helm upgrade that succeeds or puts the release back to its last good revision.";

    /// <summary>Runs the command line; returns the process exit code (3 for any command-line error).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var line = Parse(args);
        if (ParseErrors.Describe(line) is { } errors)
        {
            await stderr.WriteAsync(errors);
            return ExitCodes.Rejected;
        }

        return await line.Result.InvokeAsync(
            new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,

                // An unexpected exception must not end as exit code 1, which means "rolled back".
                EnableDefaultExceptionHandler = false,

                // Program.cs turns SIGINT and SIGTERM into the token; a second one ends the process. System.CommandLine's own handler would
                // end the process two seconds after the first, in the middle of a rollback.
                ProcessTerminationTimeout = null,
            },
            cancellationToken);
    }

    /// <summary>
    /// Parses a command line. Everything after the first bare <c>--</c> is helm's, exactly as given (no response
    /// files, no option parsing); the words before it are System.CommandLine's. Pure.
    /// </summary>
    internal static CliLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var dash = args.ToList().IndexOf("--");
        IReadOnlyList<string> helmFlags = dash < 0 ? [] : [.. args.Skip(dash + 1)];
        var root = CreateRoot(helmFlags);
        return new CliLine(root.Parse(dash < 0 ? args : [.. args.Take(dash)]), helmFlags);
    }

    /// <summary>The root command and its commands; <paramref name="helmFlags"/> go to <c>deploy</c>.</summary>
    internal static RootCommand CreateRoot(IReadOnlyList<string> helmFlags)
    {
        var root = new RootCommand(Description) { HelpName = Name };
        root.Subcommands.Add(new DeployCommand(helmFlags));
        root.Subcommands.Add(new PlanCommand(helmFlags));
        root.Subcommands.Add(new RollbackCommand());
        root.Subcommands.Add(new HistoryCommand());
        root.Subcommands.Add(new GitOpsCommand());
        root.Subcommands.Add(new SimulatorCommand());
        root.Subcommands.Add(new DemoCommand());

        // `helm-sentinel help`, as before System.CommandLine: the same as --help.
        var help = new Command("help", "Show the commands.") { Hidden = true };
        help.SetAction(parse => HelpWithNotesAction.Write(root, parse.InvocationConfiguration.Output));
        root.Subcommands.Add(help);

        HelpWithNotesAction.Install(root);
        return root;
    }
}
