using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel plan</c>: what an upgrade would change, object by object and field by field, and the preflight
/// findings that would make it fail; nothing in the cluster changes.</summary>
internal sealed class PlanCommand : CliCommand
{
    private readonly IReadOnlyList<string> _helmFlags;
    private readonly ReleaseOptions _shared = new();
    private readonly Option<string[]> _values = CliOptions.List("--values", "FILE", "values file (repeatable; the last wins)", "-f");
    private readonly Option<string?> _json = CliOptions.Text("--json", "FILE", "write the machine-readable plan to FILE");
    private readonly Option<string?> _summaryFile = CliOptions.Text("--summary-file", "F", "write the Markdown plan to F");

    /// <param name="helmFlags">The words after the command line's bare <c>--</c>, for helm as given.</param>
    public PlanCommand(IReadOnlyList<string> helmFlags)
        : base("plan", "What helm-sentinel deploy would change, object by object, and the preflight findings that would make it fail; changes nothing.")
    {
        _helmFlags = helmFlags;
        Option[] options =
        [
            _shared.Release, _shared.Chart, _shared.Namespace, _shared.Values, _shared.Set, _shared.SetString, _shared.SetFile, _shared.Version,
            _shared.CreateNamespace, _shared.ReuseValues, _shared.ResetValues, _shared.KubeContext, _shared.Kubeconfig, _shared.Helm, _shared.Secret,
            .. _shared.MigrationOptions, _json, _summaryFile,
        ];
        foreach (var option in options)
        {
            Options.Add(option);
        }

        TakesHelmFlags = true;
        HelpNotes = Notes;
        SetAction(RunAsync);
    }

    private static string Notes => $$"""
        The plan compares the deployed revision (helm get manifest, helm get hooks) with helm's server-side dry run of the
        upgrade (helm upgrade --install --dry-run=server -o json), object by object; Secrets show key names and byte
        lengths only. Its preflight checks refuse upgrades bound to fail: immutable fields, objects owned by someone else,
        missing ConfigMaps and Secrets, API versions the cluster does not serve, the release record's size limit; live
        drift is a warning. Helm flags after a bare -- go to the dry run as given.

        Exit codes:
          {{ExitCodes.Succeeded}}  the plan was made and has no blocking finding
          {{ExitCodes.Rejected}}  a blocking finding (the upgrade would fail), bad input, or a chart that does not render
          {{ExitCodes.Unreachable}}  the cluster or helm is unreachable or missing
        """;

    /// <summary>The request a parsed command line asks for a plan of. Pure.</summary>
    public DeployRequest ToRequest(ParseResult parse) => _shared.ToRequest(parse, _helmFlags);

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        foreach (var (option, path) in new[] { ("--json", parse.GetValue(_json)), ("--summary-file", parse.GetValue(_summaryFile)) })
        {
            // Refused before anything runs: a plan made and then not written is a plan lost.
            if (path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
            {
                await stderr.WriteLineAsync($"error: invalid input '{option}': the folder '{folder}' of '{path}' does not exist.");
                return ExitCodes.Rejected;
            }
        }

        var request = ToRequest(parse);
        var engine = new PlanEngine(new CliWrapHelmProcess(), new TextDeployLog(stdout), TimeProvider.System)
        {
            VersionCache = HelmVersionCache.ForUser(Environment.GetEnvironmentVariable),
            ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(Environment.GetEnvironmentVariable("HELM_DRIVER")),
        };
        var plan = await engine.PlanAsync(request, DeployCommand.OptionName, cancellationToken);
        var masker = new SecretMasker(request.MaskedValues);
        await stdout.WriteLineAsync();
        await stdout.WriteAsync(PlanReport.Text(plan, masker));
        foreach (var (option, path, text) in new[]
                 {
                     ("--json", parse.GetValue(_json), (Func<string>)(() => PlanJson.Write(plan, masker))),
                     ("--summary-file", parse.GetValue(_summaryFile), () => PlanReport.Markdown(plan, masker)),
                 })
        {
            if (path is null)
            {
                continue;
            }

            try
            {
                await File.WriteAllTextAsync(path, text(), CancellationToken.None);
                await stdout.WriteLineAsync($"{(option == "--json" ? "plan" : "report")} written to {path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"error: invalid input '{option}': '{path}' cannot be written: {e.Message}");
                return ExitCodes.Rejected;
            }
        }

        return plan.ExitCode;
    }
}
