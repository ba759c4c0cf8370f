namespace HelmSentinel.Drift;

/// <summary>What a ConfigMap or Secret held, without its data: a SHA-256 of its <c>data</c> and <c>binaryData</c> (keys and
/// values), and its <c>resourceVersion</c>.</summary>
/// <param name="Sha256">The hash in lower-case hex: all 64 digits when computed, the first <see cref="FingerprintLabels.HashDigits"/>
/// when read back from a release label.</param>
/// <param name="ResourceVersion">The object's resourceVersion; null when it was not recorded.</param>
public sealed record ConfigFingerprint(string Sha256, string? ResourceVersion)
{
    /// <summary>Digits a report shows of the hash.</summary>
    public const int ShownDigits = 12;

    /// <summary><c>sha256:ab12cd34ef56…</c>, as a report shows it.</summary>
    public string Short => "sha256:" + Sha256[..Math.Min(ShownDigits, Sha256.Length)] + "…";

    /// <summary>True when both hashes agree on the digits both have (a label keeps a prefix only).</summary>
    public bool SameData(ConfigFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var digits = Math.Min(Sha256.Length, other.Sha256.Length);
        return digits > 0 && string.CompareOrdinal(Sha256, 0, other.Sha256, 0, digits) == 0;
    }

    /// <inheritdoc />
    public override string ToString() => ResourceVersion is null ? Short : $"{Short} (resourceVersion {ResourceVersion})";
}
