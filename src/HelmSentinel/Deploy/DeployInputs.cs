using System.Globalization;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// Turns named inputs (kebab-case, as the CLI flags and the GitHub Action inputs spell them) into a
/// <see cref="DeployRequest"/>. Pure: entry points read their platform, build the dictionary, call this.
/// List inputs accept several values and newline-separated text alike.
/// </summary>
public static class DeployInputs
{
    /// <summary>Every input name this parser understands (<see cref="DeployInputNames.All"/>).</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(DeployInputNames.All, StringComparer.Ordinal);

    /// <summary>A boolean input as CI systems write them: true/yes/1/on or false/no/0/off, any case; null otherwise.</summary>
    public static bool? Boolean(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "1" or "ON" => true,
        "FALSE" or "NO" or "0" or "OFF" => false,
        _ => null,
    };

    /// <summary>Parses the inputs. Returns the request, or the errors that prevent building one
    /// (a malformed number, duration or boolean, or a missing required input), with the values of the
    /// <c>secrets</c> input masked in their messages.</summary>
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

        var release = Single(DeployInputNames.Release);
        var chart = Single(DeployInputNames.Chart);
        if (release is null)
        {
            errors.Add(new InputError(DeployInputNames.Release, "is required: the Helm release name, e.g. web."));
        }

        if (chart is null)
        {
            errors.Add(new InputError(DeployInputNames.Chart, "is required: a chart folder, a .tgz, repo/name or oci:// reference."));
        }

        var restartThreshold = Integer(DeployInputNames.RestartThreshold);
        if (restartThreshold is < 1)
        {
            errors.Add(new InputError(DeployInputNames.RestartThreshold, $"'{restartThreshold}' is too small: a container must have restarted at least once to count as crash-looping."));
        }

        var defaults = new DeployRequest { Release = "", Chart = "" };
        var request = new DeployRequest
        {
            Release = release ?? "",
            Chart = chart ?? "",
            Namespace = Single(DeployInputNames.Namespace) ?? defaults.Namespace,
            ValuesFiles = Lines(DeployInputNames.Values),
            Set = Lines(DeployInputNames.Set),
            SetString = Lines(DeployInputNames.SetString),
            SetFile = Lines(DeployInputNames.SetFile),
            ChartVersion = Single(DeployInputNames.Version),
            Timeout = Duration(DeployInputNames.Timeout) ?? defaults.Timeout,
            RollbackTimeout = Duration(DeployInputNames.RollbackTimeout),
            HistoryMax = Integer(DeployInputNames.HistoryMax) ?? defaults.HistoryMax,
            WaitStrategy = Single(DeployInputNames.Wait) ?? defaults.WaitStrategy,
            WaitForJobs = Bool(DeployInputNames.WaitForJobs, defaults.WaitForJobs),
            CreateNamespace = Bool(DeployInputNames.CreateNamespace, defaults.CreateNamespace),
            Force = Bool(DeployInputNames.Force, defaults.Force),
            ReuseValues = Bool(DeployInputNames.ReuseValues, defaults.ReuseValues),
            ResetValues = Bool(DeployInputNames.ResetValues, defaults.ResetValues),
            RecoverStaleLock = Bool(DeployInputNames.RecoverStaleLock, defaults.RecoverStaleLock),
            StaleLockMargin = Duration(DeployInputNames.StaleLockMargin, allowZero: true) ?? defaults.StaleLockMargin,
            KubeContext = Single(DeployInputNames.KubeContext),
            Kubeconfig = Single(DeployInputNames.Kubeconfig),
            HelmPath = Single(DeployInputNames.Helm) ?? defaults.HelmPath,
            Description = Single(DeployInputNames.Description),
            ExtraArgs = Lines(DeployInputNames.ExtraArgs).SelectMany(ExtraArguments).ToList(),
            Secrets = Lines(DeployInputNames.Secrets),
            FailFast = Bool(DeployInputNames.FailFast, defaults.FailFast),
            RestartThreshold = restartThreshold ?? defaults.RestartThreshold,
            UnschedulableGrace = Duration(DeployInputNames.UnschedulableGrace, allowZero: true) ?? defaults.UnschedulableGrace,
            ForceRollbackPods = Bool(DeployInputNames.ForceRollbackPods, defaults.ForceRollbackPods),
        };
        if (errors.Count > 0)
        {
            // A secret given to the wrong input (a token in 'timeout') is quoted back: mask the messages as the validator does.
            var masker = new SecretMasker(request.Secrets);
            return (null, [.. errors.Select(e => e with { Message = masker.Mask(e.Message) })]);
        }

        return (request, errors);
    }

    /// <summary>
    /// The helm arguments on one line of a multi-line <c>extra-args</c> input: the line is one argument, so a value with
    /// a space survives (<c>--description=two words</c>); a line of several flags, each starting with <c>-</c>
    /// (<c>--skip-crds --dependency-update</c>), is still taken as those flags.
    /// </summary>
    public static IReadOnlyList<string> ExtraArguments(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return [];
        }

        var words = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1 && words.All(w => w.StartsWith('-')) ? words : [trimmed];
    }
}
