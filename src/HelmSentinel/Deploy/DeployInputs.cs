using System.Text;
using HelmSentinel.Migrations;

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
    /// <param name="inputs">The inputs by name, each with its values.</param>
    /// <param name="rollback">The request of a rollback by hand: no chart; <c>revision</c> and <c>allow-failed-target</c>
    /// name its target (<see cref="DeployRequest.Rollback"/>), and only a rollback takes them.</param>
    public static (DeployRequest? Request, IReadOnlyList<InputError> Errors) Parse(IReadOnlyDictionary<string, IReadOnlyList<string>> inputs, bool rollback = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new List<InputError>();
        foreach (var name in inputs.Keys.Where(n => !Names.Contains(n)))
        {
            errors.Add(new InputError(name, $"unknown input '{name}'. Known inputs: {string.Join(", ", Names.Order(StringComparer.Ordinal))}."));
        }

        var read = new InputReader(inputs, errors);
        string? Single(string name) => read.Single(name);
        IReadOnlyList<string> Lines(string name) => read.Lines(name);
        bool Bool(string name, bool fallback) => read.Bool(name, fallback);
        TimeSpan? Duration(string name, bool allowZero = false) => read.Duration(name, allowZero);
        int? Integer(string name) => read.Integer(name);

        var release = Single(DeployInputNames.Release);
        var chart = Single(DeployInputNames.Chart);
        if (release is null)
        {
            errors.Add(new InputError(DeployInputNames.Release, "is required: the Helm release name, e.g. web."));
        }

        if (chart is null && !rollback)
        {
            errors.Add(new InputError(DeployInputNames.Chart, "is required: a chart folder, a .tgz, repo/name or oci:// reference."));
        }

        var restartThreshold = Integer(DeployInputNames.RestartThreshold);
        if (restartThreshold is < 1)
        {
            errors.Add(new InputError(DeployInputNames.RestartThreshold, $"'{restartThreshold}' is too small: a container must have restarted at least once to count as crash-looping."));
        }

        var revision = Integer(DeployInputNames.Revision);
        var allowFailedTarget = Bool(DeployInputNames.AllowFailedTarget, false);
        if (!rollback)
        {
            // An action's input default (allow-failed-target: false) is no request for a rollback.
            foreach (var (name, given) in new[] { (DeployInputNames.Revision, revision is not null), (DeployInputNames.AllowFailedTarget, allowFailedTarget) })
            {
                if (given)
                {
                    errors.Add(new InputError(name, "applies only to a rollback by hand (the rollback command); a deploy or a plan has no target revision."));
                }
            }
        }

        T Choice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback) => read.Choice(name, choices, fallback);

        var defaults = new DeployRequest { Release = "", Chart = "" };
        var request = new DeployRequest
        {
            Release = release ?? "",
            Chart = rollback ? "" : chart ?? "", // a rollback returns to the revision's own chart and values
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
            Secrets = SecretsOf(inputs),
            FailFast = Bool(DeployInputNames.FailFast, defaults.FailFast),
            RestartThreshold = restartThreshold ?? defaults.RestartThreshold,
            UnschedulableGrace = Duration(DeployInputNames.UnschedulableGrace, allowZero: true) ?? defaults.UnschedulableGrace,
            ForceRollbackPods = Bool(DeployInputNames.ForceRollbackPods, defaults.ForceRollbackPods),
            VerifyFile = Single(DeployInputNames.Verify),
            VerifyRollback = Bool(DeployInputNames.VerifyRollback, defaults.VerifyRollback),
            Preflight = Bool(DeployInputNames.Preflight, defaults.Preflight),
            Rollback = rollback ? new RollbackTarget(revision, allowFailedTarget) : null,
            Migrations = GlobList(Lines(DeployInputNames.Migrations)),
            MigrationsDialect = Choice(DeployInputNames.MigrationsDialect, MigrationNames.Dialects, defaults.MigrationsDialect),
            DestructiveMigrations = Choice(DeployInputNames.DestructiveMigrations, MigrationNames.Policies, defaults.DestructiveMigrations),
            MigrationsBase = Single(DeployInputNames.MigrationsBase),
            MigrationHooks = Lines(DeployInputNames.MigrationHooks).SelectMany(l => l.Split(',')).Select(n => n.Trim()).Where(n => n.Length > 0).ToList(),
            OnFailureAfterMigration = Single(DeployInputNames.OnFailureAfterMigration) ?? defaults.OnFailureAfterMigration,
        };
        if (errors.Count > 0)
        {
            // A secret given to the wrong input (a token in 'timeout') is quoted back: mask the messages as the validator does.
            var masker = new SecretMasker(request.Secrets);
            return (null, [.. errors.Select(e => e with { Message = masker.Mask(e.Message) })]);
        }

        return (request, errors);
    }

    /// <summary>The globs of a list input whose lines may also hold several globs split by commas (<c>db/a/*.sql, db/b/*.sql</c>).</summary>
    public static IReadOnlyList<string> GlobList(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return [.. lines.SelectMany(l => l.Split(',')).Select(g => g.Trim()).Where(g => g.Length > 0)];
    }

    /// <summary>The inputs with the private files an entry point wrote for the content inputs (the kubeconfig and verify
    /// documents given as text), when it wrote them. Pure.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> WithFiles(
        IReadOnlyDictionary<string, IReadOnlyList<string>> inputs, string? kubeconfigPath, string? verifyPath)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var with = new Dictionary<string, IReadOnlyList<string>>(inputs, StringComparer.Ordinal);
        if (kubeconfigPath is not null)
        {
            with[DeployInputNames.Kubeconfig] = [kubeconfigPath];
        }

        if (verifyPath is not null)
        {
            with[DeployInputNames.Verify] = [verifyPath];
        }

        return with;
    }

    /// <summary>
    /// Every value the inputs say must never be printed: the <c>secrets</c> input (<see cref="DeclaredSecrets"/>) and the
    /// values given with <c>set</c> and <c>set-string</c> under keys that look secret (<see cref="UndeclaredSecrets"/>).
    /// What an entry point masks, and registers with its runner, before anything prints. Pure.
    /// </summary>
    public static IReadOnlyList<string> SecretsOf(IReadOnlyDictionary<string, IReadOnlyList<string>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        IReadOnlyList<string> Given(string name) => inputs.TryGetValue(name, out var values) ? values : [];
        var pairs = Given(DeployInputNames.Set).Concat(Given(DeployInputNames.SetString)).SelectMany(v => v.Split('\n')).Select(v => v.Trim());
        return [.. DeclaredSecrets(Given(DeployInputNames.Secrets)).Concat(UndeclaredSecrets(pairs)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The secrets of a <c>secrets</c> input: each line is one secret, trimmed; but a PEM block (from a
    /// <c>-----BEGIN …-----</c> line to its <c>-----END …-----</c> line) is one secret, its lines trimmed and joined with
    /// <c>\n</c>, so that the key is masked whole, in base64 and line by line, and its armour lines are not taken for
    /// secrets of their own. Blank lines are left out. Pure.
    /// </summary>
    public static IReadOnlyList<string> DeclaredSecrets(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var secrets = new List<string>();
        var lines = values.SelectMany(v => v.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var end = lines[i].StartsWith("-----BEGIN ", StringComparison.Ordinal) && SecretMasker.IsPemArmor(lines[i])
                ? lines.FindIndex(i + 1, l => l.StartsWith("-----END ", StringComparison.Ordinal) && SecretMasker.IsPemArmor(l))
                : -1;
            if (end < 0)
            {
                secrets.Add(lines[i]);
                continue;
            }

            secrets.Add(string.Join('\n', lines.Skip(i).Take(end - i + 1)));
            i = end;
        }

        return [.. secrets.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The values of <c>--set</c>/<c>--set-string</c> pairs (helm's syntax: several pairs split by <c>,</c>, <c>\</c>
    /// escaping the next character, <c>{a,b}</c> a list) whose key looks secret (<see cref="IsSecretKey"/>), each as typed
    /// (as the deploy log echoes the command line) and as helm reads it (as the chart, and so a pod, gets it). The words
    /// <c>true</c>, <c>false</c> and <c>null</c> are left out: under such a key they switch a feature on or off. Pure.
    /// </summary>
    public static IReadOnlyList<string> UndeclaredSecrets(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = new List<string>();
        foreach (var (key, typed) in pairs.SelectMany(Assignments))
        {
            if (IsSecretKey(key) && typed.Trim().ToUpperInvariant() is not ("" or "TRUE" or "FALSE" or "NULL"))
            {
                values.Add(typed);
                values.Add(Unescape(typed));
            }
        }

        return [.. values.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// True when a <c>--set</c> key names a secret: its last segment (<c>adminPassword</c> of <c>db.adminPassword</c>,
    /// without an index such as <c>[0]</c>) ends, in any case, with one of <see cref="SecretKeyEndings"/>:
    /// <c>db.password</c>, <c>db.adminPassword</c>, <c>auth.githubToken</c>, <c>oauth.clientSecret</c>, <c>x-api-key</c>.
    /// Not <c>image.tag</c>, <c>replicas</c>, <c>secretName</c> or <c>tokenTTL</c>. Pure.
    /// </summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segment = LastSegment(key);
        return SecretKeyEndings.Any(e => segment.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The endings of a key's last segment that make its value a secret (compared ignoring case).</summary>
    public static IReadOnlyList<string> SecretKeyEndings { get; } =
    [
        "password", "passwd", "token", "secret", "apiKey", "api-key", "api_key", "privateKey", "private-key", "private_key",
        "credentials", "clientSecret",
    ];

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

    // helm's strvals: key up to the first unescaped '=', the value up to the next unescaped ',', or a {list}.
    private static IEnumerable<(string Key, string Typed)> Assignments(string text)
    {
        var i = 0;
        string Until(params char[] stops)
        {
            var start = i;
            while (i < text.Length && Array.IndexOf(stops, text[i]) < 0)
            {
                i += text[i] == '\\' ? 2 : 1;
            }

            i = Math.Min(i, text.Length);
            return text[start..i];
        }

        while (i < text.Length)
        {
            var key = Until('=', ',');
            if (i >= text.Length || text[i++] == ',')
            {
                continue;
            }

            if (i < text.Length && text[i] == '{')
            {
                i++;
                while (i < text.Length && text[i] != '}')
                {
                    yield return (key, Until(',', '}'));
                    if (i < text.Length && text[i] == ',')
                    {
                        i++;
                    }
                }

                i++;
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                }

                continue;
            }

            yield return (key, Until(','));
            i++;
        }
    }

    private static string LastSegment(string key)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '\\' && i + 1 < key.Length)
            {
                current.Append(key[++i]);
            }
            else if (key[i] == '.')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(key[i]);
            }
        }

        var last = current.ToString();
        var index = last.IndexOf('[', StringComparison.Ordinal);
        return (index >= 0 ? last[..index] : last).Trim();
    }

    private static string Unescape(string typed)
    {
        var value = new StringBuilder(typed.Length);
        for (var i = 0; i < typed.Length; i++)
        {
            if (typed[i] == '\\' && i + 1 < typed.Length)
            {
                i++;
            }

            value.Append(typed[i]);
        }

        return value.ToString();
    }
}
