using System.Globalization;
using HelmSentinel.Helm;

namespace HelmSentinel.Deploy;

/// <summary>
/// Turns named inputs (kebab-case, as the CLI flags and the GitHub Action inputs spell them) into a
/// <see cref="DeployRequest"/>. Pure: entry points read their platform, build the dictionary, call this.
/// List inputs accept several values and newline-separated text alike.
/// </summary>
public static class DeployInputs
{
    /// <summary>Every input name this parser understands.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "release", "chart", "namespace", "values", "set", "set-string", "set-file", "version", "timeout",
        "rollback-timeout", "history-max", "wait", "wait-for-jobs", "create-namespace", "force", "reuse-values",
        "reset-values", "recover-stale-lock", "stale-lock-margin", "kube-context", "kubeconfig", "helm",
        "description", "extra-args", "secrets", "fail-fast", "restart-threshold", "unschedulable-grace",
    };

    /// <summary>A boolean input as CI systems write them: true/yes/1/on or false/no/0/off, any case; null otherwise.</summary>
    public static bool? Boolean(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "1" or "ON" => true,
        "FALSE" or "NO" or "0" or "OFF" => false,
        _ => null,
    };

    /// <summary>Parses the inputs. Returns the request, or the errors that prevent building one
    /// (a malformed number, duration or boolean, or a missing required input).</summary>
    public static (DeployRequest? Request, IReadOnlyList<InputError> Errors) Parse(IReadOnlyDictionary<string, IReadOnlyList<string>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new List<InputError>();
        foreach (var name in inputs.Keys.Where(n => !Names.Contains(n)))
        {
            errors.Add(new InputError(name, $"unknown input '{name}'. Known inputs: {string.Join(", ", Names.Order(StringComparer.Ordinal))}."));
        }

        string? Single(string name)
        {
            if (!inputs.TryGetValue(name, out var values) || values.Count == 0)
            {
                return null;
            }

            var nonEmpty = values.Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
            if (nonEmpty.Count > 1)
            {
                errors.Add(new InputError(name, $"given {nonEmpty.Count} times; give it once."));
            }

            return nonEmpty.Count == 0 ? null : nonEmpty[^1].Trim();
        }

        IReadOnlyList<string> Lines(string name) =>
            inputs.TryGetValue(name, out var values)
                ? values.SelectMany(v => v.Split('\n')).Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
                : [];

        bool Bool(string name, bool fallback)
        {
            var text = Single(name);
            if (text is null)
            {
                return fallback;
            }

            if (Boolean(text) is { } value)
            {
                return value;
            }

            errors.Add(new InputError(name, $"'{text}' is not a boolean; expected true or false."));
            return fallback;
        }

        TimeSpan? Duration(string name, bool allowZero = false)
        {
            var text = Single(name);
            if (text is null)
            {
                return null;
            }

            if (allowZero && text is "0" or "0s")
            {
                return TimeSpan.Zero;
            }

            if (GoDuration.TryParse(text, out var value))
            {
                return value;
            }

            errors.Add(new InputError(name, $"'{text}' is not a positive duration; expected a Go duration such as 5m, 90s or 1h30m, or hh:mm:ss."));
            return null;
        }

        int? Integer(string name)
        {
            var text = Single(name);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors.Add(new InputError(name, $"'{text}' is not a whole number."));
            return null;
        }

        var release = Single("release");
        var chart = Single("chart");
        if (release is null)
        {
            errors.Add(new InputError("release", "is required: the Helm release name, e.g. web."));
        }

        if (chart is null)
        {
            errors.Add(new InputError("chart", "is required: a chart folder, a .tgz, repo/name or oci:// reference."));
        }

        var restartThreshold = Integer("restart-threshold");
        if (restartThreshold is < 1)
        {
            errors.Add(new InputError("restart-threshold", $"'{restartThreshold}' is too small: a container must have restarted at least once to count as crash-looping."));
        }

        var defaults = new DeployRequest { Release = "", Chart = "" };
        var request = new DeployRequest
        {
            Release = release ?? "",
            Chart = chart ?? "",
            Namespace = Single("namespace") ?? defaults.Namespace,
            ValuesFiles = Lines("values"),
            Set = Lines("set"),
            SetString = Lines("set-string"),
            SetFile = Lines("set-file"),
            ChartVersion = Single("version"),
            Timeout = Duration("timeout") ?? defaults.Timeout,
            RollbackTimeout = Duration("rollback-timeout"),
            HistoryMax = Integer("history-max") ?? defaults.HistoryMax,
            WaitStrategy = Single("wait") ?? defaults.WaitStrategy,
            WaitForJobs = Bool("wait-for-jobs", defaults.WaitForJobs),
            CreateNamespace = Bool("create-namespace", defaults.CreateNamespace),
            Force = Bool("force", defaults.Force),
            ReuseValues = Bool("reuse-values", defaults.ReuseValues),
            ResetValues = Bool("reset-values", defaults.ResetValues),
            RecoverStaleLock = Bool("recover-stale-lock", defaults.RecoverStaleLock),
            StaleLockMargin = Duration("stale-lock-margin", allowZero: true) ?? defaults.StaleLockMargin,
            KubeContext = Single("kube-context"),
            Kubeconfig = Single("kubeconfig"),
            HelmPath = Single("helm") ?? defaults.HelmPath,
            Description = Single("description"),
            ExtraArgs = Lines("extra-args").SelectMany(l => l.Split(' ', '\t')).Where(a => a.Length > 0).ToList(),
            Secrets = Lines("secrets"),
            FailFast = Bool("fail-fast", defaults.FailFast),
            RestartThreshold = restartThreshold ?? defaults.RestartThreshold,
            UnschedulableGrace = Duration("unschedulable-grace", allowZero: true) ?? defaults.UnschedulableGrace,
        };
        return errors.Count > 0 ? (null, errors) : (request, errors);
    }
}
