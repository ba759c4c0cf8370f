using System.Globalization;
using System.Text.RegularExpressions;

namespace HelmSentinel.Helm;

/// <summary>A Helm client version as <c>helm version --short</c> prints it, e.g. <c>v3.17.2+gcc0bbbd</c>.</summary>
/// <param name="Major">Major version; the engine speaks 3 and 4.</param>
/// <param name="Minor">Minor version.</param>
/// <param name="Patch">Patch version.</param>
/// <param name="Text">The text Helm printed, trimmed.</param>
public sealed partial record HelmVersion(int Major, int Minor, int Patch, string Text)
{
    /// <summary>True for the majors whose flags the engine knows (3 and 4).</summary>
    public bool IsSupported => Major is 3 or 4;

    /// <summary>Parses the output of <c>helm version --short</c>.</summary>
    /// <exception cref="FormatException">The text holds no <c>vMAJOR.MINOR.PATCH</c>.</exception>
    public static HelmVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = VersionPattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'helm version --short' printed '{text.Trim()}', which holds no version like v3.17.2.");
        }

        return new HelmVersion(
            int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["patch"].Value, CultureInfo.InvariantCulture),
            text.Trim());
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    [GeneratedRegex(@"v(?<major>\d+)\.(?<minor>\d+)\.(?<patch>\d+)")]
    private static partial Regex VersionPattern();
}
