using System.Globalization;
using System.Text.RegularExpressions;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;

namespace HelmSentinel.Deploy;

/// <summary>What kind of chart reference a <see cref="DeployRequest.Chart"/> is, the way helm tells them apart.</summary>
public enum ChartKind
{
    /// <summary>Not a usable chart reference.</summary>
    Invalid,

    /// <summary>A local chart folder (the one holding <c>Chart.yaml</c>). <c>--version</c> does not apply.</summary>
    LocalDirectory,

    /// <summary>A packaged chart file (<c>.tgz</c>). <c>--version</c> does not apply.</summary>
    Archive,

    /// <summary><c>repo/name</c> from a configured chart repository.</summary>
    Repository,

    /// <summary><c>oci://host/path</c> from an OCI registry.</summary>
    Oci,
}

/// <summary>
/// Checks a <see cref="DeployRequest"/> before anything runs, so a typo fails in a second with a message
/// naming the input, instead of minutes later as a helm error. Reads the file system (chart, values,
/// <c>--set-file</c> and kubeconfig paths) and nothing else.
/// </summary>
public static partial class DeployRequestValidator
{
    /// <summary>Helm's limit on release names (they end up in label values and Secret names).</summary>
    public const int MaxReleaseLength = 53;

    /// <summary>Kubernetes' limit on namespace names (a DNS-1123 label).</summary>
    public const int MaxNamespaceLength = 63;

    /// <summary>The longest <see cref="DeployRequest.Timeout"/> accepted.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    private const string ChartForms =
        "expected a local chart folder (holding Chart.yaml), a packaged .tgz file, repo/name or oci://host/path";

    private const string KeyChars = "letters, digits, '_', '-', '/', '.', '[', ']' and '\\' escapes";

    // Flags the engine sets itself, with the input that replaces each (null: no input, always managed).
    private static readonly Dictionary<string, (string? Input, string? Reason)> OwnedLongFlags = new(StringComparer.Ordinal)
    {
        ["atomic"] = (null, "helm-sentinel always rolls back on failure and passes the right flag for the helm version itself"),
        ["rollback-on-failure"] = (null, "helm-sentinel always rolls back on failure and passes the right flag for the helm version itself"),
        ["cleanup-on-fail"] = (null, "helm-sentinel always passes it"),
        ["install"] = (null, "helm-sentinel always runs upgrade --install"),
        ["dry-run"] = (null, "a dry run changes nothing, so there would be nothing to verify or roll back; helm-sentinel does not do dry runs"),
        ["output"] = (null, "helm-sentinel reads helm's output and chooses its format itself"),
        ["wait"] = ("wait", null),
        ["wait-for-jobs"] = ("wait-for-jobs", null),
        ["timeout"] = ("timeout", null),
        ["history-max"] = ("history-max", null),
        ["namespace"] = ("namespace", null),
        ["kube-context"] = ("kube-context", null),
        ["kubeconfig"] = ("kubeconfig", null),
        ["create-namespace"] = ("create-namespace", null),
        ["version"] = ("version", null),
        ["values"] = ("values", null),
        ["set"] = ("set", null),
        ["set-string"] = ("set-string", null),
        ["set-file"] = ("set-file", null),
        ["description"] = ("description", null),
        ["force"] = ("force", null),
        ["force-replace"] = ("force", null),
        ["reuse-values"] = ("reuse-values", null),
        ["reset-values"] = ("reset-values", null),
    };

    private static readonly Dictionary<char, string> OwnedShortFlags = new()
    {
        ['i'] = "install",
        ['n'] = "namespace",
        ['f'] = "values",
        ['o'] = "output",
    };

    /// <summary>Checks every input of the request; an empty list means it may run.</summary>
    /// <returns>One error per problem, in input order; messages mask every value of <see cref="DeployRequest.Secrets"/>.</returns>
    public static IReadOnlyList<InputError> Validate(DeployRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var masker = new SecretMasker(request.Secrets);
        var errors = new List<InputError>();
        void Add(string input, string message) => errors.Add(new InputError(input, message));
        string Q(string? value) => "'" + masker.Mask(value) + "'";

        CheckRelease(request.Release, Add, Q);
        var kind = CheckChart(request.Chart, Add, Q);
        CheckNamespace(request.Namespace, Add, Q);
        CheckValuesFiles(request.ValuesFiles, Add, Q);
        CheckAssignments("set", request.Set, isFile: false, Add, Q);
        CheckAssignments("set-string", request.SetString, isFile: false, Add, Q);
        CheckAssignments("set-file", request.SetFile, isFile: true, Add, Q);
        CheckVersion(request.ChartVersion, request.Chart, kind, Add, Q);
        CheckDurations(request, Add);
        CheckHistoryMax(request.HistoryMax, Add);
        CheckWait(request.WaitStrategy, Add, Q);
        if (request.ReuseValues && request.ResetValues)
        {
            Add("reuse-values",
                "reuse-values and reset-values are mutually exclusive: one merges the last release's values, the other " +
                "starts again from the chart's defaults; set at most one of them.");
        }

        CheckCluster(request, Add, Q);
        if (request.StaleLockMargin < TimeSpan.Zero)
        {
            Add("stale-lock-margin",
                $"stale-lock-margin is {GoDuration.Format(request.StaleLockMargin)}; expected zero or a positive duration such as 1m.");
        }

        CheckExtraArgs(request.ExtraArgs, Add, Q);

        // Values are masked where they are quoted; this pass also covers resolved paths and anything else.
        return [.. errors.Select(e => e with { Message = masker.Mask(e.Message) })];
    }

    /// <summary>
    /// Tells what kind of chart reference <paramref name="chart"/> is, in helm's order: an <c>oci://</c> URL;
    /// then an existing local folder or file (a local path wins over <c>repo/name</c>, as in helm); then a
    /// path-looking reference (starts with <c>.</c>, <c>/</c>, <c>~</c>, a drive letter, holds a backslash or
    /// more than one <c>/</c>, or ends in <c>.tgz</c>), which is classified by its form even when it does
    /// not exist; then <c>repo/name</c>.
    /// </summary>
    public static ChartKind Classify(string? chart)
    {
        if (string.IsNullOrWhiteSpace(chart) || chart.Trim().Length != chart.Length)
        {
            return ChartKind.Invalid;
        }

        if (chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
        {
            return OciPattern().IsMatch(chart) ? ChartKind.Oci : ChartKind.Invalid;
        }

        if (chart.Contains("://", StringComparison.Ordinal))
        {
            return ChartKind.Invalid;
        }

        if (Directory.Exists(chart))
        {
            return ChartKind.LocalDirectory;
        }

        if (File.Exists(chart))
        {
            return IsArchiveName(chart) ? ChartKind.Archive : ChartKind.Invalid;
        }

        if (IsArchiveName(chart))
        {
            return ChartKind.Archive;
        }

        if (LooksLikePath(chart))
        {
            return ChartKind.LocalDirectory;
        }

        return RepositoryPattern().IsMatch(chart) ? ChartKind.Repository : ChartKind.Invalid;
    }

    private static void CheckRelease(string release, Action<string, string> add, Func<string?, string> q)
    {
        if (string.IsNullOrEmpty(release))
        {
            add("release", "release is empty; expected a release name such as web-api (lower-case letters, digits and '-').");
            return;
        }

        if (!Dns1123LabelPattern().IsMatch(release))
        {
            add("release",
                $"release {q(release)} is not a valid release name; expected lower-case letters, digits and '-', " +
                "starting and ending with a letter or digit (a DNS-1123 label), such as web-api.");
        }

        if (release.Length > MaxReleaseLength)
        {
            add("release",
                $"release {q(release)} is {release.Length} characters long; Helm allows at most {MaxReleaseLength}.");
        }
    }

    private static void CheckNamespace(string ns, Action<string, string> add, Func<string?, string> q)
    {
        if (string.IsNullOrEmpty(ns))
        {
            add("namespace", "namespace is empty; expected a namespace name such as default or team-a.");
            return;
        }

        if (!Dns1123LabelPattern().IsMatch(ns))
        {
            add("namespace",
                $"namespace {q(ns)} is not a valid namespace name; expected lower-case letters, digits and '-', " +
                "starting and ending with a letter or digit (a DNS-1123 label), such as team-a.");
        }

        if (ns.Length > MaxNamespaceLength)
        {
            add("namespace",
                $"namespace {q(ns)} is {ns.Length} characters long; Kubernetes allows at most {MaxNamespaceLength}.");
        }
    }

    private static ChartKind CheckChart(string chart, Action<string, string> add, Func<string?, string> q)
    {
        var kind = Classify(chart);
        switch (kind)
        {
            case ChartKind.LocalDirectory when !Directory.Exists(chart):
                add("chart", $"chart folder {q(chart)} does not exist{Where(chart)}{TildeHint(chart)}; {ChartForms}.");
                break;
            case ChartKind.LocalDirectory when !File.Exists(Path.Combine(chart, "Chart.yaml")):
                add("chart",
                    $"chart folder {q(chart)} has no Chart.yaml, so it is not a chart; point chart at the folder that holds Chart.yaml.");
                break;
            case ChartKind.Archive when !File.Exists(chart):
                add("chart", $"chart archive {q(chart)} does not exist{Where(chart)}{TildeHint(chart)}; {ChartForms}.");
                break;
            case ChartKind.Invalid:
                add("chart", InvalidChartMessage(chart, q));
                break;
            default:
                break;
        }

        return kind;
    }

    private static string InvalidChartMessage(string chart, Func<string?, string> q)
    {
        if (string.IsNullOrWhiteSpace(chart))
        {
            return $"chart is empty; {ChartForms}.";
        }

        if (chart.Trim().Length != chart.Length)
        {
            return $"chart {q(chart)} starts or ends with white space; {ChartForms}.";
        }

        if (chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
        {
            return $"chart {q(chart)} is not a complete OCI reference; expected oci://host/path, such as oci://registry.example.com/charts/web.";
        }

        if (chart.Contains("://", StringComparison.Ordinal))
        {
            return $"chart {q(chart)} is a URL, and only oci:// URLs are supported; add the repository with 'helm repo add' and use repo/name, or use oci://host/path.";
        }

        if (File.Exists(chart))
        {
            return $"chart {q(chart)} is a file but not a packaged chart; expected a .tgz made by 'helm package', or the chart's folder.";
        }

        return $"chart {q(chart)} is neither an existing local chart folder nor repo/name; {ChartForms}.";
    }

    private static void CheckValuesFiles(IReadOnlyList<string> files, Action<string, string> add, Func<string?, string> q)
    {
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (string.IsNullOrWhiteSpace(file))
            {
                add("values", $"values file #{i + 1} is empty; expected the path of a YAML values file.");
            }
            else if (Directory.Exists(file))
            {
                add("values", $"values file {q(file)} is a folder; expected the path of a YAML values file.");
            }
            else if (!File.Exists(file))
            {
                add("values", $"values file {q(file)} does not exist{Where(file)}{TildeHint(file)}; expected the path of a YAML values file.");
            }
        }
    }

    private static void CheckAssignments(string input, IReadOnlyList<string> items, bool isFile, Action<string, string> add, Func<string?, string> q)
    {
        var example = isFile ? "config.json=./files/config.json" : "image.tag=1.2.3";
        var form = isFile ? "key=path" : "key=value";
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (string.IsNullOrEmpty(item))
            {
                add(input, $"{input} item #{i + 1} is empty; expected {form}, such as {example}.");
                continue;
            }

            var split = FindUnescapedEquals(item);
            if (split < 0)
            {
                add(input, $"{input} item {q(item)} has no '='; expected {form}, such as {example}.");
                continue;
            }

            var key = item[..split];
            if (key.Length == 0)
            {
                add(input, $"{input} item {q(item)} has an empty key before '='; expected {form}, such as {example}.");
                continue;
            }

            var keyProblem = KeyProblem(key);
            if (keyProblem is not null)
            {
                add(input, $"{input} key {q(key)} {keyProblem}; expected {form} where keys hold {KeyChars}.");
                continue;
            }

            if (!isFile)
            {
                continue;
            }

            var path = item[(split + 1)..];
            if (path.Length == 0)
            {
                add(input, $"{input} item {q(item)} has no path after '='; expected {form}, such as {example}.");
            }
            else if (!File.Exists(path))
            {
                add(input, $"{input} file {q(path)} for key {q(key)} does not exist{Where(path)}{TildeHint(path)}; expected an existing file.");
            }
        }
    }

    private static void CheckVersion(string? version, string chart, ChartKind kind, Action<string, string> add, Func<string?, string> q)
    {
        if (version is null || version.Length == 0)
        {
            return;
        }

        if (kind is ChartKind.LocalDirectory or ChartKind.Archive)
        {
            add("version",
                $"version {q(version)} applies only to repository and OCI charts; the local chart {q(chart)} carries its own " +
                "version in Chart.yaml and helm would ignore this one; remove version or use repo/name or oci://.");
            return;
        }

        const string Expected = "expected a version such as 1.2.3 or a constraint such as '^1.2' or '>=1.0 <2'";
        if (string.IsNullOrWhiteSpace(version))
        {
            add("version", $"version is blank; {Expected}, or leave it unset for the latest.");
        }
        else if (version.Trim().Length != version.Length)
        {
            add("version", $"version {q(version)} starts or ends with white space; {Expected}.");
        }
        else if (!VersionPattern().IsMatch(version) || !version.Any(c => char.IsAsciiDigit(c) || c is '*' or 'x' or 'X'))
        {
            add("version", $"version {q(version)} is not a version or constraint; {Expected}.");
        }
        else if (version.Any(char.IsWhiteSpace) && version.IndexOfAny(['<', '>', '=', '~', '^', '!', '|', ',']) < 0)
        {
            add("version", $"version {q(version)} holds spaces but no comparison; {Expected}.");
        }
    }

    private static void CheckDurations(DeployRequest request, Action<string, string> add)
    {
        if (request.Timeout <= TimeSpan.Zero)
        {
            add("timeout", $"timeout is {GoDuration.Format(request.Timeout)}; expected a positive duration such as 5m or 10m.");
        }
        else if (request.Timeout > MaxTimeout)
        {
            add("timeout",
                $"timeout {GoDuration.Format(request.Timeout)} is longer than {GoDuration.Format(MaxTimeout)}; a release that " +
                "has not settled within a day will not settle; expected at most 24h.");
        }

        if (request.RollbackTimeout is { } rollback && rollback <= TimeSpan.Zero)
        {
            add("rollback-timeout",
                $"rollback-timeout is {GoDuration.Format(rollback)}; expected a positive duration such as 5m, or leave it unset to use timeout.");
        }
    }

    private static void CheckHistoryMax(int historyMax, Action<string, string> add)
    {
        const string Expected = "expected 0 (unlimited, helm's meaning) or at least 2";
        if (historyMax < 0)
        {
            add("history-max", $"history-max is {historyMax.ToString(CultureInfo.InvariantCulture)}; {Expected}.");
        }
        else if (historyMax == 1)
        {
            add("history-max",
                "history-max 1 lets helm prune the last good revision as soon as the upgrade writes a new one, leaving " +
                $"nothing to roll back to; {Expected}.");
        }
    }

    private static void CheckWait(string strategy, Action<string, string> add, Func<string?, string> q)
    {
        if (strategy is "watcher" or "legacy")
        {
            return;
        }

        if (string.Equals(strategy, "hookOnly", StringComparison.OrdinalIgnoreCase))
        {
            add("wait",
                $"wait {q(strategy)} waits for hooks only, not for the workloads, so a Deployment that never becomes ready " +
                "would count as a success and nothing would be rolled back; expected watcher (the default) or legacy.");
            return;
        }

        add("wait", string.IsNullOrEmpty(strategy)
            ? "wait is empty; expected watcher (the default) or legacy."
            : $"wait {q(strategy)} is not a wait strategy; expected watcher (the default) or legacy.");
    }

    private static void CheckCluster(DeployRequest request, Action<string, string> add, Func<string?, string> q)
    {
        if (!string.IsNullOrEmpty(request.KubeContext) && request.KubeContext.Any(char.IsWhiteSpace))
        {
            add("kube-context",
                $"kube-context {q(request.KubeContext)} contains white space; expected a context name from the kubeconfig, " +
                "as 'kubectl config get-contexts' lists them.");
        }

        var kubeconfig = request.Kubeconfig;
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            if (Directory.Exists(kubeconfig))
            {
                add("kubeconfig", $"kubeconfig {q(kubeconfig)} is a folder; expected the path of a kubeconfig file.");
            }
            else if (!File.Exists(kubeconfig))
            {
                add("kubeconfig",
                    $"kubeconfig {q(kubeconfig)} does not exist{Where(kubeconfig)}{TildeHint(kubeconfig)}; expected the path of a " +
                    "kubeconfig file, or leave it unset for helm's default (KUBECONFIG, then ~/.kube/config).");
            }
        }

        if (string.IsNullOrWhiteSpace(request.HelmPath))
        {
            add("helm-path", "helm-path is empty; expected 'helm' (found on PATH) or the path of the helm binary.");
        }
    }

    private static void CheckExtraArgs(IReadOnlyList<string> args, Action<string, string> add, Func<string?, string> q)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (string.IsNullOrWhiteSpace(arg))
            {
                add("extra-args", $"extra-args item #{i + 1} is empty; expected one helm flag per item, such as --skip-crds.");
            }
            else if (arg == "--")
            {
                add("extra-args",
                    "extra-args item '--' would turn everything after it into positional arguments; expected helm flags only.");
            }
            else if (!arg.StartsWith('-'))
            {
                add("extra-args",
                    $"extra-args item {q(arg)} is not a flag; expected one helm flag per item starting with '-', with any value " +
                    "attached (--flag=value).");
            }
            else if (OwnedFlag(arg) is { } owned)
            {
                add("extra-args", owned.Input is null
                    ? $"extra-args item {q(arg)} is not allowed: {owned.Reason}; remove it."
                    : $"extra-args item {q(arg)} is set by helm-sentinel from the '{owned.Input}' input; remove it from " +
                      $"extra-args and use '{owned.Input}' instead.");
            }
        }
    }

    private static (string? Input, string? Reason)? OwnedFlag(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var name = arg[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            name = equals < 0 ? name : name[..equals];
            return OwnedLongFlags.TryGetValue(name, out var owned) ? owned : null;
        }

        // "-n", "-nprod" and "-n=prod" all set the namespace in pflag.
        if (arg.Length >= 2 && OwnedShortFlags.TryGetValue(arg[1], out var longName))
        {
            return OwnedLongFlags[longName];
        }

        return null;
    }

    private static int FindUnescapedEquals(string item)
    {
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] == '\\')
            {
                i++;
            }
            else if (item[i] == '=')
            {
                return i;
            }
        }

        return -1;
    }

    private static string? KeyProblem(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c == '\\')
            {
                if (i == key.Length - 1)
                {
                    return "ends with a lone '\\'";
                }

                i++;
            }
            else if (!char.IsLetterOrDigit(c) && c is not ('_' or '-' or '/' or '.' or '[' or ']'))
            {
                return char.IsWhiteSpace(c) ? "contains white space" : $"contains '{c}'";
            }
        }

        return null;
    }

    private static bool IsArchiveName(string chart) =>
        chart.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || chart.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikePath(string chart) =>
        chart[0] is '.' or '/' or '~' or '\\'
        || Path.IsPathRooted(chart)
        || (chart.Length >= 2 && char.IsAsciiLetter(chart[0]) && chart[1] == ':')
        || chart.Contains('\\', StringComparison.Ordinal)
        || chart.Count(c => c == '/') > 1;

    private static string Where(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            return full == path ? string.Empty : $" (looked for {full})";
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return string.Empty;
        }
    }

    private static string TildeHint(string path) =>
        path.StartsWith('~') ? "; a leading '~' is not expanded here, give an absolute path or one relative to the working folder" : string.Empty;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^oci://[^/\s]+/[^\s]*[^/\s]$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex OciPattern();

    [GeneratedRegex(@"^[0-9A-Za-z.+\-*^~<>=!|, ]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
