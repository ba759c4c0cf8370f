using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel history --release R</c>: the release history as a table.</summary>
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
        SetAction(RunAsync);
    }

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
                await stdout.WriteLineAsync($"release '{release}' not found in namespace '{request.Namespace}'");
                return 0;
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
