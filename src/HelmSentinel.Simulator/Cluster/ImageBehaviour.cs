using System.Globalization;

namespace HelmSentinel.Simulator.Cluster;

/// <summary>What a simulated container does once its image is pulled.</summary>
public enum BehaviourKind
{
    /// <summary>Runs; Ready after the readiness probe's initialDelaySeconds (at once without a probe).
    /// In a pod with restartPolicy Never/OnFailure it runs briefly and exits 0.</summary>
    Ready,

    /// <summary>Runs briefly, exits with <see cref="ImageBehaviour.ExitCode"/>, then CrashLoopBackOff.</summary>
    Crash,

    /// <summary>Runs briefly, is OOMKilled (exit 137), then CrashLoopBackOff.</summary>
    Oom,

    /// <summary>Runs; Ready after <see cref="ImageBehaviour.Seconds"/>.</summary>
    Slow,

    /// <summary>Runs; the readiness probe always fails.</summary>
    NeverReady,

    /// <summary>Crashes on its first run, then runs and becomes Ready.</summary>
    RestartOnce,

    /// <summary>Runs briefly and exits 0, whatever the restart policy.</summary>
    Complete,

    /// <summary>
    /// A canary for secret masking: resolves the container's environment variables named by <see cref="ImageBehaviour.Variable"/>
    /// as a kubelet does (<c>env</c> values, <c>secretKeyRef</c>, <c>envFrom</c>), writes each into its log as <c>NAME=value</c>
    /// (a multi-line value on its lines), JSON-escaped in a structured log line and URL-encoded in a connection string, and exits with <see cref="ImageBehaviour.ExitCode"/> quoting them in its
    /// termination message and in a Warning event; then CrashLoopBackOff, as <see cref="Crash"/>.
    /// </summary>
    LeakEnv,
}

/// <summary>A behaviour with its parameters and optional log lines that replace the built-in ones.</summary>
/// <param name="Kind">What the container does.</param>
/// <param name="Seconds">For <see cref="BehaviourKind.Slow"/>: seconds until Ready.</param>
/// <param name="ExitCode">For <see cref="BehaviourKind.Crash"/>: the exit code (default 1).</param>
/// <param name="Logs">Log lines replacing the built-in ones (for a crash, the last line is its last words).</param>
/// <param name="Variable">For <see cref="BehaviourKind.LeakEnv"/>: the environment variable whose value it leaks, or several
/// joined by <c>.</c> (<c>DB_PASSWORD.API_TOKEN</c>), leaked in that order.</param>
/// <param name="Http">How the app answers HTTP while it is Running and Ready (through the API server's proxy); null: 200.</param>
public sealed record ImageBehaviour(
    BehaviourKind Kind, double Seconds = 0, int ExitCode = 1, IReadOnlyList<string>? Logs = null, string? Variable = null, HttpBehaviour? Http = null)
{
    /// <summary>How the app answers HTTP: <see cref="Http"/>, or <see cref="HttpBehaviour.Healthy"/>.</summary>
    public HttpBehaviour HttpOrHealthy => Http ?? HttpBehaviour.Healthy;

    /// <summary>Parses <c>ready</c>, <c>crash</c>, <c>crash-2</c> (exit code), <c>oom</c>, <c>slow-8</c>,
    /// <c>slow</c> (with <paramref name="seconds"/>), <c>never-ready</c>, <c>restart-once</c>, <c>complete</c>,
    /// <c>leak-env</c> (with <paramref name="variable"/>), and the HTTP behaviours of a Ready app <c>http-500</c>,
    /// <c>http-500-&lt;percent&gt;</c>, <c>http-slow-&lt;seconds&gt;</c>, <c>http-fail-after-&lt;seconds&gt;</c>.
    /// <paramref name="http"/> (the same names without <c>http-</c>) gives any of them an HTTP behaviour.</summary>
    /// <exception cref="FormatException">Unknown behaviour, or <c>leak-env</c> without a variable.</exception>
    public static ImageBehaviour Parse(
        string text, double? seconds = null, int? exitCode = null, IReadOnlyList<string>? logs = null, string? variable = null, string? http = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (TryParse(t, out var parsed))
        {
            parsed = parsed with
            {
                Seconds = seconds ?? parsed.Seconds,
                ExitCode = exitCode ?? parsed.ExitCode,
                Logs = logs ?? parsed.Logs,
                Variable = string.IsNullOrWhiteSpace(variable) ? parsed.Variable : variable.Trim(),
                Http = string.IsNullOrWhiteSpace(http) ? parsed.Http : HttpBehaviour.Parse(http),
            };
            return parsed is { Kind: BehaviourKind.LeakEnv, Variable: null }
                ? throw new FormatException("Image behaviour 'leak-env' needs 'variable': the environment variable whose value it prints.")
                : parsed;
        }

        throw new FormatException(
            $"Unknown image behaviour '{text}'. Use one of: ready, crash, crash-<exitCode>, oom, slow-<seconds>, never-ready, restart-once, complete, leak-env, " +
            "http-500, http-500-<percent>, http-slow-<seconds>, http-fail-after-<seconds>.");
    }

    /// <summary>Parses a behaviour name; false when unknown.</summary>
    public static bool TryParse(string text, out ImageBehaviour behaviour)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        behaviour = new ImageBehaviour(BehaviourKind.Ready);
        switch (t)
        {
            case "ready":
                return true;
            case "crash":
                behaviour = new ImageBehaviour(BehaviourKind.Crash);
                return true;
            case "oom":
                behaviour = new ImageBehaviour(BehaviourKind.Oom, ExitCode: 137);
                return true;
            case "slow":
                behaviour = new ImageBehaviour(BehaviourKind.Slow, Seconds: 5);
                return true;
            case "never-ready":
                behaviour = new ImageBehaviour(BehaviourKind.NeverReady);
                return true;
            case "restart-once":
                behaviour = new ImageBehaviour(BehaviourKind.RestartOnce);
                return true;
            case "complete":
                behaviour = new ImageBehaviour(BehaviourKind.Complete, ExitCode: 0);
                return true;
            case "leak-env":
                behaviour = new ImageBehaviour(BehaviourKind.LeakEnv);
                return true;
        }

        if (t.StartsWith("http-", StringComparison.Ordinal) && HttpBehaviour.TryParse(t[5..], out var http))
        {
            behaviour = new ImageBehaviour(BehaviourKind.Ready, Http: http);
            return true;
        }

        if (t.StartsWith("slow-", StringComparison.Ordinal) &&
            double.TryParse(t[5..], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0)
        {
            behaviour = new ImageBehaviour(BehaviourKind.Slow, Seconds: s);
            return true;
        }

        if (t.StartsWith("crash-", StringComparison.Ordinal) &&
            int.TryParse(t[6..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is > 0 and < 256)
        {
            behaviour = new ImageBehaviour(BehaviourKind.Crash, ExitCode: code);
            return true;
        }

        return false;
    }
}

/// <summary>One catalogue entry: an image reference or glob (<c>*</c>, <c>?</c>) and its behaviour.</summary>
/// <param name="Pattern">Exact image reference or glob, e.g. <c>nginx*</c>, <c>*/busybox:*</c>.</param>
/// <param name="Behaviour">What a container with a matching image does.</param>
public sealed record ImageRule(string Pattern, ImageBehaviour Behaviour);
