using System.CommandLine;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel deploy</c>: one guarded deploy from command-line options, mapped onto a <see cref="DeployRequest"/>.</summary>
internal sealed class DeployCommand : CliCommand
{
    // The core's defaults, so the help says what an option left out means.
    private static readonly DeployRequest Defaults = new() { Release = "", Chart = "" };
    private static readonly HelmRetryOptions RetryDefaults = new();

    private readonly IReadOnlyList<string> _helmFlags;
    private readonly ReleaseOptions _shared = new();

    private readonly Option<string[]> _values = CliOptions.List("--values", "FILE", "values file (repeatable; the last wins)", "-f");
    private readonly Option<TimeSpan?> _timeout = CliOptions.Duration(
        "--timeout",
        $"upgrade timeout, Go duration or hh:mm:ss (default: {Duration(Defaults.Timeout)})");
    private readonly Option<TimeSpan?> _rollbackTimeout = CliOptions.Duration(
        "--rollback-timeout",
        "timeout of the explicit rollback (default: the upgrade's)");
    private readonly Option<int?> _historyMax = CliOptions.WholeNumber(
        "--history-max",
        "N",
        $"revisions kept, 0 = unlimited, never 1 (default: {Defaults.HistoryMax})");
    private readonly Option<string?> _wait = CliOptions.Text("--wait", "watcher|legacy", $"Helm 4 wait strategy (default: {Defaults.WaitStrategy})");
    private readonly Option<OnOff?> _waitForJobs = CliOptions.Switch("--wait-for-jobs", "also wait for Jobs");
    private readonly Option<OnOff?> _force = CliOptions.Switch("--force", "Helm 3 --force / Helm 4 --force-replace");
    private readonly Option<OnOff?> _recoverStaleLock = CliOptions.Switch(
        "--recover-stale-lock",
        $"clear a provably stale pending lock first (default: {On(Defaults.RecoverStaleLock)})");
    private readonly Option<TimeSpan?> _staleLockMargin = CliOptions.Duration(
        "--stale-lock-margin",
        $"how much older than --timeout a lock must be (default: {Duration(Defaults.StaleLockMargin)})",
        allowZero: true);
    private readonly Option<OnOff?> _failFast = CliOptions.Switch(
        "--fail-fast",
        $"watch the pods and roll back as soon as a state is fatal (default: {On(Defaults.FailFast)})");
    private readonly Option<int?> _restartThreshold = CliOptions.WholeNumber(
        "--restart-threshold",
        "N",
        $"restarts after which CrashLoopBackOff/OOMKilled is fatal (default: {Defaults.RestartThreshold})",
        n => n < 1 ? "is too small: a container must have restarted at least once to count as crash-looping" : null);
    private readonly Option<TimeSpan?> _unschedulableGrace = CliOptions.Duration(
        "--unschedulable-grace",
        $"how long a pod may stay Unschedulable (default: {Duration(Defaults.UnschedulableGrace)})",
        allowZero: true);
    private readonly Option<OnOff?> _forceRollbackPods = CliOptions.Switch(
        "--force-rollback-pods",
        $"after a rollback, delete StatefulSet pods stuck on the failed revision (default: {On(Defaults.ForceRollbackPods)})");
    private readonly Option<string?> _description = CliOptions.Text("--description", "TEXT", "description recorded on the revision");
    private readonly Option<string?> _verify = CliOptions.Text(
        "--verify", "FILE", "a verify document (YAML): checks (helmTest, http, prometheus) that must pass for a bake after Ready, or the upgrade is rolled back");
    private readonly Option<OnOff?> _verifyRollback = CliOptions.Switch(
        "--verify-rollback",
        $"after a rollback, run the --verify checks again against the restored revision; failing them ends rollback-failed (default: {On(Defaults.VerifyRollback)})");
    private readonly Option<OnOff?> _preflight = CliOptions.Switch(
        "--preflight",
        $"make the plan first and refuse the upgrade on a blocking preflight finding, see plan (default: {On(Defaults.Preflight)})");
    private readonly Option<string[]> _migrationHooks = CliOptions.List(
        "--migration-hook", "NAME", "a hook that is a database migration (repeatable; replaces the heuristic; none = no detection)");
    private readonly Option<string?> _onFailureAfterMigration = CliOptions.Text(
        "--on-failure-after-migration", "rollback|stop",
        $"after a failure that followed a completed migration hook: roll back with a warning, or stop and leave the release for a roll-forward fix, exit 2 (default: {Defaults.OnFailureAfterMigration})");
    private readonly Option<string?> _summaryFile = CliOptions.Text("--summary-file", "F", "write the Markdown report to F");
    private readonly Option<int?> _retries = CliOptions.WholeNumber(
        "--retries",
        "N",
        $"retries of transient helm failures (default: {RetryDefaults.MaxRetries})",
        n => n is < 0 or > 20 ? "is not a number of retries between 0 and 20" : null);
    private readonly Option<TimeSpan?> _retryDelay = CliOptions.Duration(
        "--retry-delay",
        $"first retry back-off, doubling with jitter (default: {Duration(RetryDefaults.BaseDelay)})");

    /// <param name="helmFlags">The words after the command line's bare <c>--</c>, for helm as given.</param>
    public DeployCommand(IReadOnlyList<string> helmFlags)
        : base("deploy", "One guarded helm upgrade --install: it succeeds, or the release is put back to its last good revision.")
    {
        _helmFlags = helmFlags;
        Option[] options =
        [
            _shared.Release, _shared.Chart, _shared.Namespace, _shared.Values, _shared.Set, _shared.SetString, _shared.SetFile, _shared.Version, _timeout, _rollbackTimeout,
            _historyMax, _wait, _waitForJobs, _shared.CreateNamespace, _force, _shared.ReuseValues, _shared.ResetValues, _recoverStaleLock,
            _staleLockMargin, _failFast, _restartThreshold, _unschedulableGrace, _shared.KubeContext, _shared.Kubeconfig, _shared.Helm,
            _forceRollbackPods, _description, _shared.Secret, _verify, _verifyRollback, _preflight, .. _shared.MigrationOptions, _migrationHooks, _onFailureAfterMigration, _summaryFile, _retries, _retryDelay,
        ];
        foreach (var option in options)
        {
            Options.Add(option);
        }

        _wait.CompletionSources.Add("watcher", "legacy");
        _onFailureAfterMigration.CompletionSources.Add(MigrationGuard.Rollback, MigrationGuard.Stop);
        TakesHelmFlags = true;
        HelpNotes = Notes;
        SetAction(RunAsync);
    }

    private static string Notes => $$"""
        Helm flags:
          Everything after a bare -- goes to helm as given, one argument each, e.g.
            {{CliApp.Name}} deploy --release web --chart ./web -- --skip-crds --set-json='config={"greeting":"hello world"}'
          Flags that helm-sentinel sets itself (--atomic, --wait, --timeout, --namespace, ...) are refused there.

        On/off options stand alone for true, or take true or false. Durations are Go durations (5m, 90s, 1h30m) or
        hh:mm:ss. @FILE reads more options from FILE (several a line, # for comments).

        Exit codes:
          {{ExitCodes.Succeeded}}  succeeded: the release is deployed at the new revision
          {{ExitCodes.RolledBack}}  failed, and rolled back to the last good revision (a failed first install is uninstalled)
          {{ExitCodes.RollbackFailed}}  failed, and not restored: the cluster needs a person
          {{ExitCodes.Rejected}}  rejected before any change: a command-line error, bad input, a chart that does not render,
             or another deploy holds the release
          {{ExitCodes.Unreachable}}  the cluster or helm is unreachable or missing; nothing was changed
        """;

    /// <summary>The request a parsed command line asks for. Pure; the engine validates it (<see cref="DeployRequestValidator"/>).</summary>
    public DeployRequest ToRequest(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return _shared.ToRequest(parse, _helmFlags) with
        {
            Timeout = parse.GetValue(_timeout) ?? Defaults.Timeout,
            RollbackTimeout = parse.GetValue(_rollbackTimeout),
            HistoryMax = parse.GetValue(_historyMax) ?? Defaults.HistoryMax,
            WaitStrategy = parse.GetValue(_wait) ?? Defaults.WaitStrategy,
            WaitForJobs = parse.GetSwitch(_waitForJobs, Defaults.WaitForJobs),
            Force = parse.GetSwitch(_force, Defaults.Force),
            RecoverStaleLock = parse.GetSwitch(_recoverStaleLock, Defaults.RecoverStaleLock),
            StaleLockMargin = parse.GetValue(_staleLockMargin) ?? Defaults.StaleLockMargin,
            Description = parse.GetValue(_description),
            FailFast = parse.GetSwitch(_failFast, Defaults.FailFast),
            RestartThreshold = parse.GetValue(_restartThreshold) ?? Defaults.RestartThreshold,
            UnschedulableGrace = parse.GetValue(_unschedulableGrace) ?? Defaults.UnschedulableGrace,
            ForceRollbackPods = parse.GetSwitch(_forceRollbackPods, Defaults.ForceRollbackPods),
            VerifyFile = parse.GetValue(_verify),
            VerifyRollback = parse.GetSwitch(_verifyRollback, Defaults.VerifyRollback),
            Preflight = parse.GetSwitch(_preflight, Defaults.Preflight),
            MigrationHooks = parse.GetList(_migrationHooks),
            OnFailureAfterMigration = parse.GetValue(_onFailureAfterMigration) ?? Defaults.OnFailureAfterMigration,
        };
    }

    /// <summary>How transient helm failures are retried: <c>--retries</c> and <c>--retry-delay</c> over the core's defaults. Pure.</summary>
    public HelmRetryOptions ToRetryOptions(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return RetryDefaults with
        {
            MaxRetries = parse.GetValue(_retries) ?? RetryDefaults.MaxRetries,
            BaseDelay = parse.GetValue(_retryDelay) ?? RetryDefaults.BaseDelay,
        };
    }

    /// <summary>How the CLI names a core input in errors: by its option (<c>history-max</c> is <c>--history-max</c>).</summary>
    internal static string OptionName(string input) => input switch
    {
        DeployInputNames.Secrets => "--secret",
        DeployInputNames.MigrationHooks => "--migration-hook",
        DeployInputNames.ExtraArgs => "helm flags after --",
        _ => "--" + input,
    };

    private static string Duration(TimeSpan value) => GoDuration.FormatCompact(value);

    private static string On(bool value) => value ? "true" : "false";

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var request = ToRequest(parse);
        var engine = new DeployEngine(new CliWrapHelmProcess(), new TextDeployLog(stdout), TimeProvider.System, ToRetryOptions(parse))
        {
            VersionCache = HelmVersionCache.ForUser(Environment.GetEnvironmentVariable),
            ReadsReleaseSecrets = DeployEngine.ReadsSecretStorage(Environment.GetEnvironmentVariable("HELM_DRIVER")),
        };
        var outcome = await engine.DeployAsync(request, new DeployOptions { InputName = OptionName }, cancellationToken);
        await Report.WriteAsync(outcome, request, parse.GetValue(_summaryFile), stdout);
        return outcome.ExitCode;
    }
}
