using HelmSentinel.Helm;

namespace HelmSentinel.TestSupport;

/// <summary>
/// Locates the pinned helm, kubectl and Prometheus binaries that <c>.ci/fetch-tools.sh</c> puts under <c>.tools/</c>.
/// A missing binary is a loud failure, never a skip: run <c>.ci/fetch-tools.sh</c> first.
/// </summary>
public static class Tools
{
    /// <summary>The repository root (the folder holding Pipelines.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The pinned kubectl release, as .ci/fetch-tools.sh installs it.</summary>
    public const string KubectlVersion = "1.32.3";

    /// <summary>The pinned Prometheus: Debian bookworm's <c>prometheus</c> package at this version, unpacked by
    /// .ci/fetch-tools.sh under <c>.tools/prometheus-VERSION/</c> (never installed).</summary>
    public const string PrometheusVersion = "2.42.0+ds-5+deb12u1";

    public static string Helm3 => Require("HELM3_PATH", Path.Combine(RepoRoot, ".tools", PinnedHelm.ToolsPath(3)));

    public static string Helm4 => Require("HELM4_PATH", Path.Combine(RepoRoot, ".tools", PinnedHelm.ToolsPath(4)));

    public static string Kubectl => Require("KUBECTL_PATH", Path.Combine(RepoRoot, ".tools", "kubectl-" + KubectlVersion, "kubectl"));

    public static string Prometheus => Require("PROMETHEUS_PATH", Path.Combine(RepoRoot, ".tools", "prometheus-" + PrometheusVersion, "usr", "bin", "prometheus"));

    /// <summary>Path of a fixture chart under <c>tests/HelmSentinel.TestSupport/Charts/</c>.</summary>
    public static string Chart(string name)
    {
        var path = Path.Combine(RepoRoot, "tests", "HelmSentinel.TestSupport", "Charts", name);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException("No fixture chart at " + path);
    }

    /// <summary>The helm binary for a major version (3 or 4).</summary>
    public static string Helm(int major) => major switch
    {
        3 => Helm3,
        4 => Helm4,
        _ => throw new ArgumentOutOfRangeException(nameof(major), major, "Only Helm 3 and 4 are pinned."),
    };

    private static string Require(string overrideVariable, string defaultPath)
    {
        var path = Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } o ? o : defaultPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Required binary not found at '{path}'. Run .ci/fetch-tools.sh (or set {overrideVariable}). " +
                "Tests that need helm, kubectl or Prometheus never skip.", path);
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipelines.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
