using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel history --release R</c>: the release history as a table.</summary>
internal static class HistoryCommand
{
    public const string Usage = "usage: helm-sentinel history --release R [--namespace N] [--kube-context X] [--kubeconfig F] [--helm PATH]";

    public static async Task<int> RunAsync(CommandLine line, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var release = line.Value("release");
        if (release is null)
        {
            await stderr.WriteLineAsync("error: release: is required.\n" + Usage);
            return ExitCodes.Rejected;
        }

        var request = new DeployRequest
        {
            Release = release,
            Chart = ".",
            Namespace = line.Value("namespace") ?? "default",
            KubeContext = line.Value("kube-context"),
            Kubeconfig = line.Value("kubeconfig"),
            HelmPath = line.Value("helm") ?? "helm",
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
