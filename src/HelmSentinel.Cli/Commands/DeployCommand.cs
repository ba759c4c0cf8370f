using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Text;

namespace HelmSentinel.Cli.Commands;

/// <summary><c>helm-sentinel deploy</c>: one guarded deploy from command-line options.</summary>
internal static class DeployCommand
{
    /// <summary>Options that may stand alone (true) or take true/false.</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(StringComparer.Ordinal)
    {
        "create-namespace", "wait-for-jobs", "force", "reuse-values", "reset-values", "recover-stale-lock", "fail-fast", "help",
    };

    // Options of the CLI itself, not of the request.
    private static readonly HashSet<string> CliOnly = new(StringComparer.Ordinal) { "summary-file", "retries", "retry-delay", "secret", "help" };

    public const string Usage = """
        usage: helm-sentinel deploy --release R --chart C [options] [-- extra helm flags]

          --namespace, -n N          release namespace (default: default)
          --values, -f FILE          values file (repeatable; the last wins)
          --set k=v                  --set pair (repeatable); also --set-string, --set-file
          --version V                chart version (repository and OCI charts)
          --timeout D                upgrade timeout, Go duration or hh:mm:ss (default: 5m)
          --rollback-timeout D       timeout of the explicit rollback (default: the upgrade's)
          --history-max N            revisions kept, 0 = unlimited, never 1 (default: 10)
          --wait watcher|legacy      Helm 4 wait strategy (default: watcher)
          --wait-for-jobs            also wait for Jobs
          --create-namespace         create the namespace if missing
          --force                    Helm 3 --force / Helm 4 --force-replace
          --reuse-values | --reset-values
          --recover-stale-lock B     clear a provably stale pending lock first (default: true)
          --stale-lock-margin D      how much older than --timeout a lock must be (default: 1m)
          --fail-fast B              watch the pods and roll back as soon as a state is fatal (default: true)
          --restart-threshold N      restarts after which CrashLoopBackOff/OOMKilled is fatal (default: 2)
          --unschedulable-grace D    how long a pod may stay Unschedulable (default: 30s)
          --kube-context X           kubeconfig context
          --kubeconfig F             kubeconfig file
          --helm PATH                helm binary (default: helm on PATH)
          --description TEXT         description recorded on the revision
          --secret VALUE             a value to mask in every output (repeatable)
          --summary-file F           write the Markdown report to F
          --retries N                retries of transient helm failures (default: 4)
          --retry-delay D            first retry back-off, doubling with jitter (default: 2s)

        exit codes: 0 succeeded, 1 failed and rolled back, 2 failed and not restored,
                    3 rejected before any change, 4 cluster or helm unreachable
        """;

    public static async Task<int> RunAsync(CommandLine line, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (line.Value("help") is not null)
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }

        var inputs = line.Options
            .Where(o => !CliOnly.Contains(o.Key))
            .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        if (line.Options.TryGetValue("secret", out var secrets))
        {
            inputs["secrets"] = secrets;
        }

        if (line.Rest.Count > 0)
        {
            inputs["extra-args"] = [string.Join(' ', line.Rest)];
        }

        var (request, errors) = DeployInputs.Parse(inputs);
        var retry = ParseRetry(line, errors is List<InputError> list ? list : [.. errors]);
        if (request is null || retry is null)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"error: {error.Input}: {error.Message}");
            }

            await stderr.WriteLineAsync("run 'helm-sentinel deploy --help' for the options.");
            return ExitCodes.Rejected;
        }

        var engine = new DeployEngine(new CliWrapHelmProcess(), new TextDeployLog(stdout), TimeProvider.System, retry);
        var outcome = await engine.DeployAsync(request, cancellationToken);
        await Report.WriteAsync(outcome, request, line.Value("summary-file"), stdout);
        return outcome.ExitCode;
    }

    private static HelmRetryOptions? ParseRetry(CommandLine line, List<InputError> errors)
    {
        var options = new HelmRetryOptions();
        if (line.Value("retries") is { } retries)
        {
            if (!int.TryParse(retries, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 0 || n > 20)
            {
                errors.Add(new InputError("retries", $"'{retries}' is not a number of retries between 0 and 20."));
                return null;
            }

            options = options with { MaxRetries = n };
        }

        if (line.Value("retry-delay") is { } delay)
        {
            if (!GoDuration.TryParse(delay, out var d))
            {
                errors.Add(new InputError("retry-delay", $"'{delay}' is not a positive duration such as 2s."));
                return null;
            }

            options = options with { BaseDelay = d };
        }

        return options;
    }
}
