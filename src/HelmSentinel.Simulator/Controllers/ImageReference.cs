using System.Text.RegularExpressions;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>Whether a container image reference parses, as the kubelet checks before pulling (else InvalidImageName).</summary>
internal static partial class ImageReference
{
    public static bool IsValid(string image) => image.Length is > 0 and <= 255 && Pattern().IsMatch(image);

    // [domain[:port]/]path-component(/path-component)*[:tag][@algorithm:hex]; path components are lowercase.
    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")]
    private static partial Regex Pattern();
}
