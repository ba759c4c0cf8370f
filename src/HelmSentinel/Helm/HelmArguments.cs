using System.Globalization;
using HelmSentinel.Text;

namespace HelmSentinel.Helm;

/// <summary>
/// Pure translation of a request into helm argument lists, in the dialect of the detected major
/// version. Never a shell string; never a deprecated flag (Helm 4: no <c>--atomic</c>, no <c>--force</c>).
/// </summary>
public static class HelmArguments
{
    /// <summary><c>helm version --short</c>.</summary>
    public static IReadOnlyList<string> Version() => ["version", "--short"];

    /// <summary>
    /// The long flags of <c>helm upgrade</c> and <c>helm rollback</c> that the engine sets itself, or that would defeat
    /// the guard (<c>--dry-run</c>, <c>--output</c>, and <c>--help</c>, after which helm prints its help and exits 0
    /// without upgrading): no extra argument may carry one. Everything <see cref="Upgrade"/> and <see cref="Rollback"/>
    /// emit is in it.
    /// </summary>
    public static IReadOnlySet<string> OwnedFlags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "atomic", "rollback-on-failure", "cleanup-on-fail", "install", "dry-run", "output", "wait", "wait-for-jobs",
        "timeout", "history-max", "namespace", "kube-context", "kubeconfig", "create-namespace", "version", "values",
        "set", "set-string", "set-file", "description", "force", "force-replace", "reuse-values", "reset-values", "help",
    };

    /// <summary>
    /// pflag's one-letter forms of owned flags (<c>-n prod</c>, <c>-nprod</c> and <c>-n=prod</c> all set the namespace).
    /// Every other shorthand of <c>helm upgrade</c> takes a value (<c>-l</c>), so in <c>-abc</c> only the first letter
    /// can be a flag that is not owned.
    /// </summary>
    public static IReadOnlyDictionary<char, string> OwnedShortFlags { get; } = new Dictionary<char, string>
    {
        ['h'] = "help",
        ['i'] = "install",
        ['n'] = "namespace",
        ['f'] = "values",
        ['o'] = "output",
    };

    /// <summary>The owned flag (long name) that <paramref name="argument"/> sets, or null when it sets none.</summary>
    public static string? OwnedFlagOf(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.StartsWith("--", StringComparison.Ordinal))
        {
            var name = argument[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            name = equals < 0 ? name : name[..equals];
            return OwnedFlags.Contains(name) ? name : null;
        }

        return argument.Length >= 2 && argument[0] == '-' && OwnedShortFlags.TryGetValue(argument[1], out var longName) ? longName : null;
    }

    /// <summary><c>helm history RELEASE -o json</c> in the target's namespace and cluster.</summary>
    public static IReadOnlyList<string> History(HelmTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var args = new List<string> { "history", target.Release, "--namespace", target.Namespace, "--output", "json" };
        AddCluster(args, target);
        return args;
    }

    /// <summary>
    /// <c>helm get hooks RELEASE --revision N</c> in the target's namespace and cluster: the hook manifests of one
    /// revision, each as <c>---</c>, <c># Source: PATH</c> and its YAML (the same flags in Helm 3 and 4).
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1 (helm's 0 would mean the latest one: never what a caller means here).</param>
    public static IReadOnlyList<string> GetHooks(HelmTarget target, int revision) => Get("hooks", target, revision);

    /// <summary>
    /// <c>helm get manifest RELEASE --revision N</c> in the target's namespace and cluster: the revision's stored non-hook
    /// manifest, documents opened by <c># Source: PATH</c> (the same flags in Helm 3 and 4).
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    public static IReadOnlyList<string> GetManifest(HelmTarget target, int revision) => Get("manifest", target, revision);

    /// <summary>
    /// <c>helm status RELEASE --revision N --output json</c> in the target's namespace and cluster: the revision's stored
    /// release, whose <c>hooks[].last_run</c> say which hooks ran and how they ended (the same flags in Helm 3 and 4).
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="revision">The revision, from 1.</param>
    public static IReadOnlyList<string> Status(HelmTarget target, int revision)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);
        var args = new List<string>
        {
            "status", target.Release, "--revision", revision.ToString(CultureInfo.InvariantCulture), "--namespace", target.Namespace, "--output", "json",
        };
        AddCluster(args, target);
        return args;
    }

    // helm get WHAT RELEASE --revision N, in the target's namespace and cluster.
    private static List<string> Get(string what, HelmTarget target, int revision)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);
        var args = new List<string>
        {
            "get", what, target.Release, "--revision", revision.ToString(CultureInfo.InvariantCulture), "--namespace", target.Namespace,
        };
        AddCluster(args, target);
        return args;
    }

    /// <summary>
    /// The upgrade as a dry run that prints the release it would store (<c>--output json</c>: its <c>.manifest</c>,
    /// <c>.hooks[]</c> and <c>.chart</c>): the same chart, values and helm flags as <see cref="Upgrade"/>, without the
    /// atomic, wait, timeout and history flags, which a dry run does not use. <c>server</c> renders with the cluster
    /// (<c>lookup</c>, its capabilities) and checks that new objects are not owned by someone else; <c>client</c> renders
    /// without it. Helm 3's and Helm 4's <c>--dry-run</c> both take these two words.
    /// </summary>
    /// <param name="request">The upgrade.</param>
    /// <param name="version">The helm client's version.</param>
    /// <param name="server">True for <c>--dry-run=server</c>, false for <c>--dry-run=client</c>.</param>
    public static IReadOnlyList<string> DryRun(HelmUpgrade request, HelmVersion version, bool server)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);

        var args = new List<string>
        {
            "upgrade", request.Target.Release, request.Chart, "--install", "--namespace", request.Target.Namespace,
            server ? "--dry-run=server" : "--dry-run=client", "--output", "json",
        };
        if (request.CreateNamespace)
        {
            args.Add("--create-namespace");
        }

        AddValues(args, request, withReuse: true);

        AddCluster(args, request.Target);
        args.AddRange(request.ExtraArgs);
        return args;
    }

    /// <summary>
    /// <c>helm template RELEASE CHART</c> with the upgrade's chart, values and helm flags: the manifests and hooks rendered
    /// without the cluster, for a plan whose dry runs helm refuses (an API version the cluster does not serve fails both).
    /// <c>--is-upgrade</c> when the release exists, so the chart renders as it would for the upgrade.
    /// </summary>
    /// <param name="request">The upgrade (<c>--reuse-values</c> cannot be rendered this way: helm template has no such flag).</param>
    /// <param name="version">The helm client's version.</param>
    /// <param name="isUpgrade">True when the release exists.</param>
    public static IReadOnlyList<string> Template(HelmUpgrade request, HelmVersion version, bool isUpgrade)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);
        var args = new List<string> { "template", request.Target.Release, request.Chart, "--namespace", request.Target.Namespace, "--include-crds" };
        if (isUpgrade)
        {
            args.Add("--is-upgrade");
        }

        AddValues(args, request, withReuse: false);

        args.AddRange(request.ExtraArgs);
        return args;
    }

    /// <summary>The guarded <c>helm upgrade --install</c>: atomic (unless <see cref="HelmUpgrade.RollbackOnFailure"/> is off),
    /// waiting, cleaning up on failure.</summary>
    public static IReadOnlyList<string> Upgrade(HelmUpgrade request, HelmVersion version)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);

        var args = new List<string> { "upgrade", request.Target.Release, request.Chart, "--install", "--namespace", request.Target.Namespace };
        AddRollbackOnFailure(args, request, version);
        args.Add("--timeout");
        args.Add(GoDuration.Format(request.Timeout));
        args.Add("--cleanup-on-fail");
        AddHistoryMax(args, request);
        if (request.CreateNamespace)
        {
            args.Add("--create-namespace");
        }

        AddValues(args, request, withReuse: true);

        if (request.Force)
        {
            args.Add(ForceFlag(version));
        }

        if (!string.IsNullOrEmpty(request.Description))
        {
            args.Add("--description");
            args.Add(request.Description);
        }

        if (request.Labels.Count > 0)
        {
            // One flag of helm's stringToString syntax (k=v,k2=v2): label keys and values cannot hold a comma or an equals sign.
            args.Add("--labels");
            args.Add(string.Join(',', request.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)));
        }

        AddCluster(args, request.Target);
        args.AddRange(request.ExtraArgs);
        return args;
    }

    /// <summary><c>helm rollback RELEASE REVISION</c> that waits, with its own timeout and the upgrade's wait, history and force settings.</summary>
    public static IReadOnlyList<string> Rollback(HelmUpgrade request, HelmVersion version, int revision, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);

        var args = new List<string>
        {
            "rollback", request.Target.Release, revision.ToString(CultureInfo.InvariantCulture),
            "--namespace", request.Target.Namespace,
            WaitFlag(request, version),
        };
        if (request.WaitForJobs)
        {
            args.Add("--wait-for-jobs");
        }

        args.Add("--timeout");
        args.Add(GoDuration.Format(timeout));
        args.Add("--cleanup-on-fail");
        AddHistoryMax(args, request);
        if (request.Force)
        {
            args.Add(ForceFlag(version));
        }

        AddCluster(args, request.Target);
        return args;
    }

    /// <summary>
    /// <c>helm test RELEASE</c> with its own per-operation timeout and the user's filters (each its own
    /// <c>--filter</c>). No <c>--logs</c>: Helm 3.17 deletes pods by their delete policy before it reads them, so the
    /// logs are read beside helm instead. Helm 3 gets <c>--hide-notes</c>, which Helm 4 removed (it never prints
    /// them): both print the same.
    /// </summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="version">The helm client's version.</param>
    /// <param name="timeout">How long each test may take.</param>
    /// <param name="filters">Helm's filters as written (<c>name=smoke</c>, <c>!name=slow</c>, <c>name=a,name=b</c>).</param>
    public static IReadOnlyList<string> Test(HelmTarget target, HelmVersion version, TimeSpan timeout, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(filters);
        RequireSupported(version);

        var args = new List<string> { "test", target.Release, "--namespace", target.Namespace, "--timeout", GoDuration.Format(timeout) };
        foreach (var filter in filters)
        {
            if (string.IsNullOrWhiteSpace(filter))
            {
                throw new ArgumentException("A helm test filter is empty; write it as name=TEST or !name=TEST.", nameof(filters));
            }

            args.Add("--filter");
            args.Add(filter);
        }

        if (version.Major == 3)
        {
            args.Add("--hide-notes");
        }

        AddCluster(args, target);
        return args;
    }

    /// <summary><c>helm uninstall RELEASE</c> that waits for the resources to go; optionally keeping the history.</summary>
    public static IReadOnlyList<string> Uninstall(HelmTarget target, HelmVersion version, bool keepHistory, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);

        var args = new List<string> { "uninstall", target.Release, "--namespace", target.Namespace };
        if (keepHistory)
        {
            args.Add("--keep-history");
        }

        // Helm 4's --wait is a strategy and must be attached; Helm 3's is a boolean.
        args.Add(version.Major == 3 ? "--wait" : "--wait=watcher");
        args.Add("--timeout");
        args.Add(GoDuration.Format(timeout));
        AddCluster(args, target);
        return args;
    }

    private static void AddRollbackOnFailure(List<string> args, HelmUpgrade request, HelmVersion version)
    {
        if (request.RollbackOnFailure)
        {
            args.Add(version.Major == 3 ? "--atomic" : "--rollback-on-failure");
        }

        args.Add(WaitFlag(request, version));
        if (request.WaitForJobs)
        {
            args.Add("--wait-for-jobs");
        }
    }

    // Helm 4: "--wait legacy" would make "legacy" a positional argument; the value must be attached.
    private static string WaitFlag(HelmUpgrade request, HelmVersion version) =>
        version.Major == 3 ? "--wait" : "--wait=" + request.WaitStrategy;

    private static string ForceFlag(HelmVersion version) => version.Major == 3 ? "--force" : "--force-replace";

    private static void AddHistoryMax(List<string> args, HelmUpgrade request)
    {
        args.Add("--history-max");
        args.Add(request.HistoryMax.ToString(CultureInfo.InvariantCulture));
    }

    // The values in helm's order of precedence (files, then --set, --set-string, --set-file), the chart version and, for
    // the commands that have them, --reuse-values and --reset-values.
    private static void AddValues(List<string> args, HelmUpgrade request, bool withReuse)
    {
        foreach (var file in request.ValuesFiles)
        {
            args.Add("--values");
            args.Add(file);
        }

        AddRepeated(args, "--set", request.Set);
        AddRepeated(args, "--set-string", request.SetString);
        AddRepeated(args, "--set-file", request.SetFile);
        if (!string.IsNullOrEmpty(request.ChartVersion))
        {
            args.Add("--version");
            args.Add(request.ChartVersion);
        }

        if (withReuse && request.ReuseValues)
        {
            args.Add("--reuse-values");
        }

        if (withReuse && request.ResetValues)
        {
            args.Add("--reset-values");
        }
    }

    private static void AddRepeated(List<string> args, string flag, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            args.Add(flag);
            args.Add(value);
        }
    }

    private static void AddCluster(List<string> args, HelmTarget target)
    {
        if (!string.IsNullOrEmpty(target.KubeContext))
        {
            args.Add("--kube-context");
            args.Add(target.KubeContext);
        }

        if (!string.IsNullOrEmpty(target.Kubeconfig))
        {
            args.Add("--kubeconfig");
            args.Add(target.Kubeconfig);
        }
    }

    private static void RequireSupported(HelmVersion version)
    {
        if (!version.IsSupported)
        {
            throw new UnsupportedHelmVersionException(version);
        }
    }
}
