namespace HelmSentinel.Helm;

/// <summary>
/// The Helm releases this build is tested with: the ones <c>.ci/fetch-tools.sh</c> installs under <c>.tools/</c>, and
/// the ones <c>helm-sentinel demo</c> looks for there. Other releases of the same majors are expected to work too; these
/// are the ones CI runs.
/// </summary>
public static class PinnedHelm
{
    /// <summary>The Helm 3 release.</summary>
    public const string Helm3 = "3.17.2";

    /// <summary>The Helm 4 release.</summary>
    public const string Helm4 = "4.1.4";

    /// <summary>The majors that have a pinned release.</summary>
    public static IReadOnlyList<int> Majors { get; } = [3, 4];

    /// <summary>The pinned release of a major version.</summary>
    /// <param name="major">3 or 4.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="major"/> is neither 3 nor 4.</exception>
    public static string Version(int major) => major switch
    {
        3 => Helm3,
        4 => Helm4,
        _ => throw new ArgumentOutOfRangeException(nameof(major), major, "Only Helm 3 and 4 are pinned."),
    };

    /// <summary>Where <c>.ci/fetch-tools.sh</c> puts the binary of a major, relative to the tools folder:
    /// <c>helm-3.17.2/helm</c>.</summary>
    /// <param name="major">3 or 4.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="major"/> is neither 3 nor 4.</exception>
    public static string ToolsPath(int major) => Path.Combine("helm-" + Version(major), "helm");
}
