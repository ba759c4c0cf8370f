using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HelmSentinel.Helm;
using HelmSentinel.Migrations;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

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

    // Why an owned flag that no input sets is refused; the others name the input that sets them (DeployInputNames.ByHelmFlag).
    private static readonly Dictionary<string, string> UnsettableFlags = new(StringComparer.Ordinal)
    {
        ["atomic"] = "helm-sentinel always rolls back on failure and passes the right flag for the helm version itself",
        ["rollback-on-failure"] = "helm-sentinel always rolls back on failure and passes the right flag for the helm version itself",
        ["cleanup-on-fail"] = "helm-sentinel always passes it",
        ["install"] = "helm-sentinel always runs upgrade --install",
        ["dry-run"] = "a dry run changes nothing, so there would be nothing to verify or roll back; helm-sentinel does not do dry runs",
        ["output"] = "helm-sentinel reads helm's output and chooses its format itself",
        ["help"] = "helm would print its help and exit 0 without upgrading anything, and the deploy would pass for a success",
    };

    /// <summary>Why <paramref name="flag"/> (an entry of <see cref="HelmArguments.OwnedFlags"/>) may not be given as an extra
    /// argument: the input that sets it, or the reason nothing may.</summary>
    internal static (string? Input, string? Reason) OwnedFlagMessage(string flag) =>
        DeployInputNames.ByHelmFlag.TryGetValue(flag, out var input)
            ? (input, null)
            : (null, UnsettableFlags.TryGetValue(flag, out var reason) ? reason : "helm-sentinel sets it itself");

    /// <summary>Checks every input of the request; an empty list means it may run.</summary>
    /// <returns>One error per problem, in input order; messages mask every value of <see cref="DeployRequest.Secrets"/>.</returns>
    public static IReadOnlyList<InputError> Validate(DeployRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var masker = new SecretMasker(request.Secrets);
        var errors = new List<InputError>();
        void Add(string input, string message) => errors.Add(new InputError(input, message));
        string Q(string? value) => "'" + masker.Mask(value) + "'";

        CheckDnsLabel(DeployInputNames.Release, request.Release, "release name",
            "a release name such as web-api (lower-case letters, digits and '-')", "web-api", MaxReleaseLength, "Helm", Add, Q);
        var kind = request.Rollback is null ? CheckChart(request.Chart, Add, Q) : ChartKind.Repository;
        CheckDnsLabel(DeployInputNames.Namespace, request.Namespace, "namespace name",
            "a namespace name such as default or team-a", "team-a", MaxNamespaceLength, "Kubernetes", Add, Q);
        CheckValuesFiles(request.ValuesFiles, Add, Q);
        CheckAssignments(DeployInputNames.Set, request.Set, isFile: false, Add, Q);
        CheckAssignments(DeployInputNames.SetString, request.SetString, isFile: false, Add, Q);
        CheckAssignments(DeployInputNames.SetFile, request.SetFile, isFile: true, Add, Q);
        if (request.Rollback is null)
        {
            CheckVersion(request.ChartVersion, request.Chart, kind, Add, Q);
        }
        else if (request.Rollback.Revision is < 1)
        {
            Add(DeployInputNames.Revision,
                $"revision is {request.Rollback.Revision.Value.ToString(CultureInfo.InvariantCulture)}; expected a revision number of the release's " +
                "history (1 or more), or none for the last good revision.");
        }
        CheckDurations(request, Add);
        CheckHistoryMax(request.HistoryMax, Add);
        CheckWait(request.WaitStrategy, Add, Q);
        MigrationGuard.Check(request, Add, Q);
        foreach (var error in VerifyInput.Of(request).Errors)
        {
            Add(DeployInputNames.Verify, masker.Mask(error));
        }

        if (request.VerifyRollback && request.VerifyFile is null)
        {
            Add(DeployInputNames.VerifyRollback,
                "verify-rollback is on but there is no verify document: give its checks in verify, or turn verify-rollback off.");
        }

        if (request.ReuseValues && request.ResetValues)
        {
            Add(DeployInputNames.ReuseValues,
                "reuse-values and reset-values are mutually exclusive: one merges the last release's values, the other " +
                "starts again from the chart's defaults; set at most one of them.");
        }

        CheckCluster(request, Add, Q);
        if (request.StaleLockMargin < TimeSpan.Zero)
        {
            Add(DeployInputNames.StaleLockMargin,
                $"stale-lock-margin is {GoDuration.Format(request.StaleLockMargin)}; expected zero or a positive duration such as 1m.");
        }

        if (request.RestartThreshold < 1)
        {
            Add(DeployInputNames.RestartThreshold,
                $"restart-threshold is {request.RestartThreshold.ToString(CultureInfo.InvariantCulture)}; expected at least 1: a container " +
                "must have restarted at least once to count as crash-looping.");
        }

        if (request.UnschedulableGrace < TimeSpan.Zero)
        {
            Add(DeployInputNames.UnschedulableGrace,
                $"unschedulable-grace is {GoDuration.Format(request.UnschedulableGrace)}; expected zero or a positive duration such as 30s.");
        }

        CheckExtraArgs(request.ExtraArgs, Add, Q);
        CheckMigrations(request, Add, Q);

        // Values are masked where they are quoted; this pass also covers resolved paths and anything else.
        return [.. errors.Select(e => e with { Message = masker.Mask(e.Message) })];
    }

    private static void CheckMigrations(DeployRequest request, Action<string, string> add, Func<string?, string> q)
    {
        foreach (var glob in request.Migrations)
        {
            if (MigrationGlob.Problem(glob) is { } problem)
            {
                add(DeployInputNames.Migrations, $"migrations glob {q(glob)} {problem}.");
            }
        }

        if (request.MigrationsBase is { } revision && (revision.Trim().Length == 0 || revision.StartsWith('-') || revision.Any(char.IsWhiteSpace)))
        {
            add(DeployInputNames.MigrationsBase,
                $"migrations-base {q(revision)} is not a Git revision; expected a commit, branch or tag such as origin/main.");
        }
    }

    // Release and namespace names are both DNS-1123 labels; Helm limits releases further (label values, Secret names).
    private static void CheckDnsLabel(
        string input, string value, string noun, string emptyExample, string example, int max, string limitOwner, Action<string, string> add, Func<string?, string> q)
    {
        if (string.IsNullOrEmpty(value))
        {
            add(input, $"{input} is empty; expected {emptyExample}.");
            return;
        }

        if (!Dns1123LabelPattern().IsMatch(value))
        {
            add(input,
                $"{input} {q(value)} is not a valid {noun}; expected lower-case letters, digits and '-', " +
                $"starting and ending with a letter or digit (a DNS-1123 label), such as {example}.");
        }

        if (value.Length > max)
        {
            add(input, $"{input} {q(value)} is {value.Length} characters long; {limitOwner} allows at most {max}.");
        }
    }

    private static ChartKind CheckChart(string chart, Action<string, string> add, Func<string?, string> q)
    {
        var kind = ChartReference.Classify(chart);
        switch (kind)
        {
            case ChartKind.LocalDirectory when !Directory.Exists(chart):
                add(DeployInputNames.Chart, $"chart folder {q(chart)} does not exist{Where(chart)}{TildeHint(chart)}; {ChartForms}.");
                break;
            case ChartKind.LocalDirectory when !File.Exists(Path.Combine(chart, "Chart.yaml")):
                add(DeployInputNames.Chart,
                    $"chart folder {q(chart)} has no Chart.yaml, so it is not a chart; point chart at the folder that holds Chart.yaml.");
                break;
            case ChartKind.Archive when !File.Exists(chart):
                add(DeployInputNames.Chart, $"chart archive {q(chart)} does not exist{Where(chart)}{TildeHint(chart)}; {ChartForms}.");
                break;
            case ChartKind.Invalid:
                add(DeployInputNames.Chart, InvalidChartMessage(chart, q));
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
                add(DeployInputNames.Values, $"values file #{i + 1} is empty; expected the path of a YAML values file.");
            }
            else if (Directory.Exists(file))
            {
                add(DeployInputNames.Values, $"values file {q(file)} is a folder; expected the path of a YAML values file.");
            }
            else if (!File.Exists(file))
            {
                add(DeployInputNames.Values, $"values file {q(file)} does not exist{Where(file)}{TildeHint(file)}; expected the path of a YAML values file.");
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
            add(DeployInputNames.Version,
                $"version {q(version)} applies only to repository and OCI charts; the local chart {q(chart)} carries its own " +
                "version in Chart.yaml and helm would ignore this one; remove version or use repo/name or oci://.");
            return;
        }

        const string Expected = "expected a version such as 1.2.3 or a constraint such as '^1.2' or '>=1.0 <2'";
        if (string.IsNullOrWhiteSpace(version))
        {
            add(DeployInputNames.Version, $"version is blank; {Expected}, or leave it unset for the latest.");
        }
        else if (version.Trim().Length != version.Length)
        {
            add(DeployInputNames.Version, $"version {q(version)} starts or ends with white space; {Expected}.");
        }
        else if (!VersionPattern().IsMatch(version) || !version.Any(c => char.IsAsciiDigit(c) || c is '*' or 'x' or 'X'))
        {
            add(DeployInputNames.Version, $"version {q(version)} is not a version or constraint; {Expected}.");
        }
        else if (version.Any(char.IsWhiteSpace) && version.IndexOfAny(['<', '>', '=', '~', '^', '!', '|', ',']) < 0)
        {
            add(DeployInputNames.Version, $"version {q(version)} holds spaces but no comparison; {Expected}.");
        }
    }

    private static void CheckDurations(DeployRequest request, Action<string, string> add)
    {
        if (request.Timeout <= TimeSpan.Zero)
        {
            add(DeployInputNames.Timeout, $"timeout is {GoDuration.Format(request.Timeout)}; expected a positive duration such as 5m or 10m.");
        }
        else if (request.Timeout > MaxTimeout)
        {
            add(DeployInputNames.Timeout,
                $"timeout {GoDuration.Format(request.Timeout)} is longer than {GoDuration.Format(MaxTimeout)}; a release that " +
                "has not settled within a day will not settle; expected at most 24h.");
        }

        if (request.RollbackTimeout is { } rollback && rollback <= TimeSpan.Zero)
        {
            add(DeployInputNames.RollbackTimeout,
                $"rollback-timeout is {GoDuration.Format(rollback)}; expected a positive duration such as 5m, or leave it unset to use timeout.");
        }
    }

    private static void CheckHistoryMax(int historyMax, Action<string, string> add)
    {
        const string Expected = "expected 0 (unlimited, helm's meaning) or at least 2";
        if (historyMax < 0)
        {
            add(DeployInputNames.HistoryMax, $"history-max is {historyMax.ToString(CultureInfo.InvariantCulture)}; {Expected}.");
        }
        else if (historyMax == 1)
        {
            add(DeployInputNames.HistoryMax,
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
            add(DeployInputNames.Wait,
                $"wait {q(strategy)} waits for hooks only, not for the workloads, so a Deployment that never becomes ready " +
                "would count as a success and nothing would be rolled back; expected watcher (the default) or legacy.");
            return;
        }

        add(DeployInputNames.Wait, string.IsNullOrEmpty(strategy)
            ? "wait is empty; expected watcher (the default) or legacy."
            : $"wait {q(strategy)} is not a wait strategy; expected watcher (the default) or legacy.");
    }

    private static void CheckCluster(DeployRequest request, Action<string, string> add, Func<string?, string> q)
    {
        if (!string.IsNullOrEmpty(request.KubeContext) && request.KubeContext.Any(char.IsWhiteSpace))
        {
            add(DeployInputNames.KubeContext,
                $"kube-context {q(request.KubeContext)} contains white space; expected a context name from the kubeconfig, " +
                "as 'kubectl config get-contexts' lists them.");
        }

        var kubeconfig = request.Kubeconfig;
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            if (Directory.Exists(kubeconfig))
            {
                add(DeployInputNames.Kubeconfig, $"kubeconfig {q(kubeconfig)} is a folder; expected the path of a kubeconfig file.");
            }
            else if (!File.Exists(kubeconfig))
            {
                add(DeployInputNames.Kubeconfig,
                    $"kubeconfig {q(kubeconfig)} does not exist{Where(kubeconfig)}{TildeHint(kubeconfig)}; expected the path of a " +
                    "kubeconfig file, or leave it unset for helm's default (KUBECONFIG, then ~/.kube/config).");
            }
        }

        if (string.IsNullOrWhiteSpace(request.HelmPath))
        {
            add(DeployInputNames.Helm, "helm is empty; expected 'helm' (found on PATH) or the path of the helm binary.");
        }
    }

    private static void CheckExtraArgs(IReadOnlyList<string> args, Action<string, string> add, Func<string?, string> q)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (string.IsNullOrWhiteSpace(arg))
            {
                add(DeployInputNames.ExtraArgs, $"extra-args item #{i + 1} is empty; expected one helm flag per item, such as --skip-crds.");
            }
            else if (arg == "--")
            {
                add(DeployInputNames.ExtraArgs,
                    "extra-args item '--' would turn everything after it into positional arguments; expected helm flags only.");
            }
            else if (!arg.StartsWith('-'))
            {
                add(DeployInputNames.ExtraArgs,
                    $"extra-args item {q(arg)} is not a flag; expected one helm flag per item starting with '-', with any value " +
                    "attached (--flag=value).");
            }
            else if (HelmArguments.OwnedFlagOf(arg) is { } flag && OwnedFlagMessage(flag) is var owned)
            {
                add(DeployInputNames.ExtraArgs, owned.Input is null
                    ? $"extra-args item {q(arg)} is not allowed: {owned.Reason}; remove it."
                    : $"extra-args item {q(arg)} is set by helm-sentinel from the '{owned.Input}' input; remove it from " +
                      $"extra-args and use '{owned.Input}' instead.");
            }
        }
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

    // Characters, not UTF-16 units: helm reads runes, so a '\' escapes a whole emoji and a letter outside the BMP is a letter.
    private static string? KeyProblem(string key)
    {
        var rest = key.AsSpan();
        while (!rest.IsEmpty)
        {
            if (rest[0] == '\\')
            {
                if (rest.Length == 1)
                {
                    return "ends with a lone '\\'";
                }

                Rune.DecodeFromUtf16(rest[1..], out _, out var escaped);
                rest = rest[(1 + escaped)..];
                continue;
            }

            var valid = Rune.DecodeFromUtf16(rest, out var rune, out var length) == OperationStatus.Done;
            if (!valid || (!Rune.IsLetterOrDigit(rune) && rune.Value is not ('_' or '-' or '/' or '.' or '[' or ']')))
            {
                return !valid ? $"contains a lone surrogate (U+{(int)rest[0]:X4})"
                    : Rune.IsWhiteSpace(rune) ? "contains white space"
                    : Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format ? $"contains the invisible character U+{rune.Value:X4}"
                    : $"contains '{rune}'";
            }

            rest = rest[length..];
        }

        return null;
    }

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

    [GeneratedRegex(@"^[0-9A-Za-z.+\-*^~<>=!|, ]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
