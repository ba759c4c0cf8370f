using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel rollback</c>: a rollback by hand to a chosen revision or to the last good one, watched and
/// verified as a deploy's restore is.</summary>
internal sealed class RollbackCommand : CliCommand
{
    private static readonly DeployRequest Defaults = new() { Release = "" };

    private readonly Option<string?> _release = CliOptions.Text("--release", "R", "Helm release name");
    private readonly Option<string?> _namespace = CliOptions.Namespace();
    private readonly Option<int?> _revision = CliOptions.WholeNumber(
        "--revision", "N", "the revision to return to (default: the last good one)", n => n < 1 ? "is not a revision number (1 or more)" : null);
    private readonly Option<OnOff?> _lastGood = CliOptions.Switch(
        "--last-good", "return to the newest revision before the current one that was deployed to the end (the default)");
    private readonly Option<OnOff?> _allowFailedTarget = CliOptions.Switch(
        "--allow-failed-target", "accept a target revision whose status is failed");
    private readonly Option<TimeSpan?> _timeout = CliOptions.Duration(
        "--timeout", $"how long the rollback and its wait may take (default: {GoDuration.FormatCompact(Defaults.Timeout)})");
    private readonly Option<OnOff?> _waitForJobs = CliOptions.Switch("--wait-for-jobs", "also wait for Jobs");
    private readonly Option<OnOff?> _recoverStaleLock = CliOptions.Switch(
        "--recover-stale-lock", "write over a provably stale pending lock (default: true)");
    private readonly Option<OnOff?> _failFast = CliOptions.Switch(
        "--fail-fast", "watch the target's pods; on a fatal state stop and put back what ran before (default: true)");
    private readonly Option<int?> _restartThreshold = CliOptions.WholeNumber(
        "--restart-threshold", "N", $"restarts after which CrashLoopBackOff/OOMKilled is fatal (default: {Defaults.RestartThreshold})",
        n => n < 1 ? "is too small: a container must have restarted at least once to count as crash-looping" : null);
    private readonly Option<OnOff?> _forceRollbackPods = CliOptions.Switch(
        "--force-rollback-pods", "delete StatefulSet pods left on the revision rolled back from (default: true)");
    private readonly Option<string?> _kubeContext = CliOptions.KubeContext();
    private readonly Option<string?> _kubeconfig = CliOptions.Kubeconfig();
    private readonly Option<string?> _helm = CliOptions.Helm();
    private readonly Option<string[]> _secret = CliOptions.List("--secret", "VALUE", "a value to mask in every output (repeatable)");
    private readonly Option<string?> _summaryFile = CliOptions.Text("--summary-file", "F", "write the Markdown report to F");

    public RollbackCommand()
        : base("rollback", "Roll a release back by hand to a chosen revision (or the last good one), watched and verified.")
    {
        _release.Required = true;
        Option[] options =
        [
            _release, _namespace, _revision, _lastGood, _allowFailedTarget, _timeout, _waitForJobs, _recoverStaleLock, _failFast,
            _restartThreshold, _forceRollbackPods, _kubeContext, _kubeconfig, _helm, _secret, _summaryFile,
        ];
        foreach (var option in options)
        {
            Options.Add(option);
        }

        HelpNotes = Notes;
        SetAction(RunAsync);
    }

    private static string Notes => $$"""
        Refused, with nothing changed: a revision the history does not hold, the current revision, a revision whose status
        is failed (unless --allow-failed-target), a pending revision, or a release a live helm holds (a stale lock is
        written over). The rollback runs helm rollback --wait; the target is verified deployed ("Rollback to N"). With
        fail-fast, a target whose pods reach a fatal state (or never get Ready) is stopped and what ran before is put back.

        Exit codes:
          {{ExitCodes.Succeeded}}  rolled back to the target and verified
          {{ExitCodes.RollbackFailed}}  the rollback failed (what ran before was put back, or the cluster needs a person)
          {{ExitCodes.Rejected}}  refused before any change, or a command-line error
          {{ExitCodes.Unreachable}}  the cluster or helm is unreachable or missing; nothing was changed
        """;

    /// <summary>The request a parsed command line asks for, or the option error that refuses it. Pure.</summary>
    public (DeployRequest Request, string? Error) ToRequest(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var revision = parse.GetValue(_revision);
        var lastGood = parse.GetSwitch(_lastGood, false);
        var request = new DeployRequest
        {
            Release = parse.GetValue(_release) ?? "",
            Namespace = parse.GetValue(_namespace) ?? Defaults.Namespace,
            Rollback = new RollbackTarget(revision, parse.GetSwitch(_allowFailedTarget, false)),
            Timeout = parse.GetValue(_timeout) ?? Defaults.Timeout,
            WaitForJobs = parse.GetSwitch(_waitForJobs, Defaults.WaitForJobs),
            RecoverStaleLock = parse.GetSwitch(_recoverStaleLock, Defaults.RecoverStaleLock),
            FailFast = parse.GetSwitch(_failFast, Defaults.FailFast),
            RestartThreshold = parse.GetValue(_restartThreshold) ?? Defaults.RestartThreshold,
            ForceRollbackPods = parse.GetSwitch(_forceRollbackPods, Defaults.ForceRollbackPods),
            KubeContext = parse.GetValue(_kubeContext),
            Kubeconfig = parse.GetValue(_kubeconfig),
            HelmPath = parse.GetValue(_helm) ?? Defaults.HelmPath,
            Secrets = parse.GetList(_secret),
        };
        var error = revision is not null && lastGood
            ? $"invalid input '--revision': --revision {revision} and --last-good both name the target; give one of them."
            : null;
        return (request, error);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var (request, error) = ToRequest(parse);
        if (error is not null)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + error);
            return ExitCodes.Rejected;
        }

        var engine = new DeployEngine(new CliWrapHelmProcess(), new TextDeployLog(stdout), TimeProvider.System)
        {
            VersionCache = HelmVersionCache.ForUser(Environment.GetEnvironmentVariable),
            ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(Environment.GetEnvironmentVariable("HELM_DRIVER")),
        };
        var outcome = await engine.RollbackAsync(request, new DeployOptions { InputName = DeployCommand.OptionName }, cancellationToken);
        await Report.WriteAsync(outcome, request, parse.GetValue(_summaryFile), stdout);
        return outcome.ExitCode;
    }
}
