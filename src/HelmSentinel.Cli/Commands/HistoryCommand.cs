using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel history --release R</c>: the release history as a table; exit code 3 when the release does
/// not exist in the namespace, 4 when helm or the cluster cannot be reached.</summary>
internal sealed class HistoryCommand : CliCommand
{
    private readonly Option<string?> _release = CliOptions.Text("--release", "R", "Helm release name");
    private readonly Option<string?> _namespace = CliOptions.Namespace();
    private readonly Option<string?> _kubeContext = CliOptions.KubeContext();
    private readonly Option<string?> _kubeconfig = CliOptions.Kubeconfig();
    private readonly Option<string?> _helm = CliOptions.Helm();

    public HistoryCommand()
        : base("history", "The release history as a table.")
    {
        _release.Required = true;
        Options.Add(_release);
        Options.Add(_namespace);
        Options.Add(_kubeContext);
        Options.Add(_kubeconfig);
        Options.Add(_helm);
        HelpNotes = Notes;
        SetAction(RunAsync);
    }

    private static string Notes => $"""
        Exit codes:
          {ExitCodes.Succeeded}  the history was printed
          {ExitCodes.Rejected}  the release does not exist in that namespace (or a command-line error)
          {ExitCodes.Unreachable}  helm or the cluster is unreachable, or helm is missing
        """;

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var release = parse.GetValue(_release) ?? "";
        var request = new DeployRequest
        {
            Release = release,
            Chart = ".",
            Namespace = parse.GetValue(_namespace) ?? "default",
            KubeContext = parse.GetValue(_kubeContext),
            Kubeconfig = parse.GetValue(_kubeconfig),
            HelmPath = parse.GetValue(_helm) ?? "helm",
        };
        var masker = new SecretMasker([]);
        var log = new TextDeployLog(stderr);
        var helm = new HelmCli(new CliWrapHelmProcess(), request.HelmPath, log, masker, HelmCli.Pipeline(new HelmRetryOptions(), TimeProvider.System, log, masker));
        try
        {
            var history = await helm.HistoryAsync(request.Target, cancellationToken);
            if (history.Entries.Count == 0)
            {
                // helm history says "release: not found": a release name or namespace that is wrong, not an empty history.
                await stderr.WriteLineAsync($"error: release '{release}' does not exist in namespace '{request.Namespace}'.");
                return ExitCodes.Rejected;
            }

            await stdout.WriteLineAsync(HistoryTable.Render(history.Entries, null, null));
            return 0;
        }
        catch (Exception e) when (e is HelmCommandException or HelmNotFoundException)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Unreachable;
        }
    }
}
