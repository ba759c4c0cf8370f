using System.Text;

namespace HelmSentinel;

/// <summary>
/// Replaces secret values with <c>***</c> in any text about to be printed. Each secret is masked as given,
/// line by line when it spans several lines, and in its base64 form (how Kubernetes Secrets carry it).
/// Values shorter than <see cref="MinimumLength"/> characters are ignored: masking every <c>a</c> or
/// <c>no</c> would make logs unreadable without protecting anything.
/// </summary>
public sealed class SecretMasker
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Replacement = "***";

    /// <summary>The shortest value that is masked.</summary>
    public const int MinimumLength = 3;

    private readonly string[] _needles;

    /// <summary>Creates a masker for the given secret values; null, blank and too-short values are skipped.</summary>
    public SecretMasker(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var needles = new HashSet<string>(secrets.SelectMany(Forms), StringComparer.Ordinal);

        // Longest first, so a secret that contains another is masked whole, not in pieces.
        _needles = [.. needles.OrderByDescending(n => n.Length).ThenBy(n => n, StringComparer.Ordinal)];
    }

    /// <summary>A masker with no secrets: returns every text unchanged.</summary>
    public static SecretMasker None { get; } = new([]);

    /// <summary>True when at least one value will be masked.</summary>
    public bool HasSecrets => _needles.Length > 0;

    /// <summary>Returns <paramref name="text"/> with every secret replaced by <c>***</c>; null gives an empty string.</summary>
    public string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var needle in _needles)
        {
            text = text.Replace(needle, Replacement, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// The forms of one secret that are masked: as given, trimmed, base64 (how Kubernetes Secrets carry it) and, when it
    /// spans several lines, each line. None shorter than <see cref="MinimumLength"/>; nothing for a blank or too short value.
    /// </summary>
    public static IEnumerable<string> Forms(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < MinimumLength)
        {
            yield break;
        }

        var forms = new List<string> { secret, secret.Trim(), Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)) };
        if (secret.Contains('\n', StringComparison.Ordinal))
        {
            foreach (var line in secret.Split('\n'))
            {
                forms.Add(line.TrimEnd('\r'));
                forms.Add(line.Trim());
            }
        }

        foreach (var form in forms.Where(f => f.Length >= MinimumLength && !string.IsNullOrWhiteSpace(f)).Distinct(StringComparer.Ordinal))
        {
            yield return form;
        }
    }

    /// <summary>
    /// What an entry point registers with its runner (GitHub's <c>::add-mask::</c>) before anything prints: each secret as
    /// given, however short, then its <see cref="Forms"/>; blank values and duplicates left out.
    /// </summary>
    public static IReadOnlyList<string> RunnerValues(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return [.. secrets.SelectMany(s => Forms(s).Prepend(s)).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal)];
    }
}
