using System.Globalization;
using HelmSentinel.Deploy;

namespace HelmSentinel.Helm;

/// <summary>
/// Pure translation of a request into helm argument lists, in the dialect of the detected major
/// version. Never a shell string; never a deprecated flag (Helm 4: no <c>--atomic</c>, no <c>--force</c>).
/// </summary>
public static class HelmArguments
{
    /// <summary><c>helm version --short</c>.</summary>
    public static IReadOnlyList<string> Version() => ["version", "--short"];

    /// <summary><c>helm history RELEASE -o json</c> in the request's namespace and cluster.</summary>
    public static IReadOnlyList<string> History(DeployRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = new List<string> { "history", request.Release, "--namespace", request.Namespace, "--output", "json" };
        AddCluster(args, request);
        return args;
    }

    /// <summary>The guarded <c>helm upgrade --install</c> for the request.</summary>
    public static IReadOnlyList<string> Upgrade(DeployRequest request, HelmVersion version)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);

        var args = new List<string> { "upgrade", request.Release, request.Chart, "--install", "--namespace", request.Namespace };
        AddRollbackOnFailure(args, request, version);
        args.Add("--timeout");
        args.Add(GoDuration.Format(request.Timeout));
        args.Add("--cleanup-on-fail");
        AddHistoryMax(args, request);
        if (request.CreateNamespace)
        {
            args.Add("--create-namespace");
        }

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

        if (request.ReuseValues)
        {
            args.Add("--reuse-values");
        }

        if (request.ResetValues)
        {
            args.Add("--reset-values");
        }

        if (request.Force)
        {
            args.Add(ForceFlag(version));
        }

        if (!string.IsNullOrEmpty(request.Description))
        {
            args.Add("--description");
            args.Add(request.Description);
        }

        AddCluster(args, request);
        args.AddRange(request.ExtraArgs);
        return args;
    }

    /// <summary><c>helm rollback RELEASE REVISION</c> that waits, with its own timeout.</summary>
    public static IReadOnlyList<string> Rollback(DeployRequest request, HelmVersion version, int revision, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision, 1);

        var args = new List<string>
        {
            "rollback", request.Release, revision.ToString(CultureInfo.InvariantCulture),
            "--namespace", request.Namespace,
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

        AddCluster(args, request);
        return args;
    }

    /// <summary><c>helm uninstall RELEASE</c> that waits for the resources to go; optionally keeping the history.</summary>
    public static IReadOnlyList<string> Uninstall(DeployRequest request, HelmVersion version, bool keepHistory, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(version);
        RequireSupported(version);

        var args = new List<string> { "uninstall", request.Release, "--namespace", request.Namespace };
        if (keepHistory)
        {
            args.Add("--keep-history");
        }

        // Helm 4's --wait is a strategy and must be attached; Helm 3's is a boolean.
        args.Add(version.Major == 3 ? "--wait" : "--wait=watcher");
        args.Add("--timeout");
        args.Add(GoDuration.Format(timeout));
        AddCluster(args, request);
        return args;
    }

    private static void AddRollbackOnFailure(List<string> args, DeployRequest request, HelmVersion version)
    {
        if (version.Major == 3)
        {
            args.Add("--atomic");
        }
        else
        {
            args.Add("--rollback-on-failure");
        }

        args.Add(WaitFlag(request, version));
        if (request.WaitForJobs)
        {
            args.Add("--wait-for-jobs");
        }
    }

    // Helm 4: "--wait legacy" would make "legacy" a positional argument; the value must be attached.
    private static string WaitFlag(DeployRequest request, HelmVersion version) =>
        version.Major == 3 ? "--wait" : "--wait=" + request.WaitStrategy;

    private static string ForceFlag(HelmVersion version) => version.Major == 3 ? "--force" : "--force-replace";

    private static void AddHistoryMax(List<string> args, DeployRequest request)
    {
        args.Add("--history-max");
        args.Add(request.HistoryMax.ToString(CultureInfo.InvariantCulture));
    }

    private static void AddRepeated(List<string> args, string flag, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            args.Add(flag);
            args.Add(value);
        }
    }

    private static void AddCluster(List<string> args, DeployRequest request)
    {
        if (!string.IsNullOrEmpty(request.KubeContext))
        {
            args.Add("--kube-context");
            args.Add(request.KubeContext);
        }

        if (!string.IsNullOrEmpty(request.Kubeconfig))
        {
            args.Add("--kubeconfig");
            args.Add(request.Kubeconfig);
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

/// <summary>The helm binary is of a major version the engine does not speak (only 3 and 4 are).</summary>
public sealed class UnsupportedHelmVersionException : Exception
{
    public UnsupportedHelmVersionException(HelmVersion version)
        : base($"helm {version.Text} is not supported: helm-sentinel speaks Helm 3 and Helm 4. Point --helm at a Helm 3.x or 4.x binary.")
    {
        Version = version;
    }

    /// <summary>The version found.</summary>
    public HelmVersion? Version { get; }
}
