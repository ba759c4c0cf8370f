using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace HelmSentinel.TestSupport;

/// <summary>
/// Names of what a test creates in a cluster (a release, its namespace), derived from the test's own name: the same on
/// every run, different for every test and case, readable in a failure, and a valid Helm release name.
/// </summary>
public static class TestNames
{
    /// <summary>The most a name has: well under Helm's 53, so that what a chart derives from it (<c>-worker</c>, a
    /// StatefulSet's <c>controller-revision-hash</c> label value, at most 63) still fits.</summary>
    public const int MaxLength = 30;

    /// <summary>
    /// <c>broken-statefulset-restored-3-pull</c> for <c>ABrokenStatefulSet_IsRestored…</c> with case <c>3, pull</c>: the test
    /// name's words in kebab case (cut to fit), the case's parts, and, when it had to be cut, a short hash of the whole so
    /// that two long names never collide.
    /// </summary>
    /// <param name="parts">What tells the cases of a theory apart (the Helm major, the case's name).</param>
    /// <param name="test">The calling test (filled in by the compiler).</param>
    public static string Release(object?[]? parts = null, [CallerMemberName] string test = "")
    {
        var suffix = string.Join('-', (parts ?? []).Select(p => Kebab(Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture) ?? "")).Where(p => p.Length > 0));
        var words = Kebab(test);
        var whole = suffix.Length == 0 ? words : words + "-" + suffix;
        if (whole.Length <= MaxLength)
        {
            return whole;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(whole)))[..6];
        var room = MaxLength - hash.Length - 1 - (suffix.Length == 0 ? 0 : suffix.Length + 1);
        var cut = words[..Math.Max(1, room)].TrimEnd('-');
        return string.Join('-', new[] { cut, suffix, hash }.Where(p => p.Length > 0));
    }

    // Lower-case letters and digits; a dash between words (at an upper-case letter, an underscore, or anything else).
    private static string Kebab(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsAsciiLetterUpper(c) && builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-');
    }
}
