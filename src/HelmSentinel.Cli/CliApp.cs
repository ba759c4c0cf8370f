using HelmSentinel.Cli.Commands;
using HelmSentinel.Deploy;

namespace HelmSentinel.Cli;

/// <summary>Dispatches <c>helm-sentinel COMMAND …</c> to its command.</summary>
public static class CliApp
{
    private const string Usage = """
        helm-sentinel: a Helm upgrade that succeeds or puts the release back to its last good revision.

        commands:
          deploy      one guarded helm upgrade --install (deploy --help for the options)
          history     the release history as a table
          simulator   run the Kubernetes API simulator in the foreground
          demo        start the simulator and show a healthy deploy, then a broken one rolled back
        """;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CommandLine line;
        try
        {
            line = CommandLine.Parse(args, DeployCommand.Flags);
        }
        catch (CommandLineException e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Rejected;
        }

        // Every command answers --help with its usage and does nothing else (a simulator must not start for it).
        var usage = line.Command switch
        {
            "history" => HistoryCommand.Usage,
            "simulator" => SimulatorCommand.Usage,
            "demo" => DemoCommand.Usage,
            _ => null,
        };
        if (usage is not null && line.Value("help") is not null)
        {
            await stdout.WriteLineAsync(usage);
            return 0;
        }

        switch (line.Command)
        {
            case "deploy":
                return await DeployCommand.RunAsync(line, stdout, stderr, cancellationToken);
            case "history":
                return await HistoryCommand.RunAsync(line, stdout, stderr, cancellationToken);
            case "simulator":
                return await SimulatorCommand.RunAsync(line, stdout, stderr, cancellationToken);
            case "demo":
                return await DemoCommand.RunAsync(line, stdout, stderr, cancellationToken);
            case "help":
                await stdout.WriteLineAsync(Usage);
                return 0;
            default:
                await stderr.WriteLineAsync((line.Command.Length == 0 ? "error: no command given." : $"error: unknown command '{line.Command}'.") + "\n" + Usage);
                return ExitCodes.Rejected;
        }
    }
}
