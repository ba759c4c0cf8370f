using System.Text.RegularExpressions;

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

/// <summary>Tells chart references apart the way helm does, from their form and the file system.</summary>
public static partial class ChartReference
{
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

    /// <summary>True for a name that helm reads as a packaged chart (<c>.tgz</c>, <c>.tar.gz</c>).</summary>
    internal static bool IsArchiveName(string chart) =>
        chart.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || chart.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikePath(string chart) =>
        chart[0] is '.' or '/' or '~' or '\\'
        || Path.IsPathRooted(chart)
        || (chart.Length >= 2 && char.IsAsciiLetter(chart[0]) && chart[1] == ':')
        || chart.Contains('\\', StringComparison.Ordinal)
        || chart.Count(c => c == '/') > 1;

    [GeneratedRegex("^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^oci://[^/\s]+/[^\s]*[^/\s]$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex OciPattern();
}
