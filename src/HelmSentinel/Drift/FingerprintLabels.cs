using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HelmSentinel.Drift;

/// <summary>
/// The release labels (<c>helm upgrade --labels</c>, stored as labels of the release Secret) that record the fingerprints
/// of a revision's external configuration. Pure. A label key's name part is at most 63 characters and a value at most 63,
/// both <c>[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?</c> (the API server refuses anything else, and helm with it):
/// <list type="bullet">
/// <item>key <c>helm-sentinel/cm.NAME</c> or <c>helm-sentinel/secret.NAME</c> when NAME is a valid object name (a DNS
/// subdomain), fits, and the object is in the release's namespace; otherwise <c>helm-sentinel/cm.HEAD_HASH</c>: the first characters of the name (made label-safe),
/// <c>_</c> (never in an object name, so the two forms cannot meet) and 10 hex digits of SHA-256 over kind, namespace and
/// name. Such a key is found again by computing it, never by reading it back.</item>
/// <item>value <c>HASH.RV</c>: 32 hex digits of the data's SHA-256 and the resourceVersion (left out when it does not fit
/// or is not label-safe), or <c>absent</c> for an object that was missing.</item>
/// </list>
/// Labels merge with the previous revision's, so a key of ours the new revision no longer has is sent as <c>null</c>,
/// which deletes it.
/// </summary>
public static partial class FingerprintLabels
{
    /// <summary>The prefix of every key.</summary>
    public const string Prefix = "helm-sentinel/";

    /// <summary>Hex digits of the data hash a value keeps (128 bits).</summary>
    public const int HashDigits = 32;

    /// <summary>The value of an object that was missing.</summary>
    public const string Absent = "absent";

    /// <summary>What a <c>--labels</c> value of <c>null</c> means to helm: delete the key.</summary>
    public const string Delete = "null";

    private const int MaxName = 63;
    private const int KeyHashDigits = 10;

    /// <summary>The label key of an object.</summary>
    /// <param name="kind"><c>ConfigMap</c> or <c>Secret</c>.</param>
    /// <param name="namespace">The object's namespace.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="releaseNamespace">The release's namespace: an object elsewhere always gets the hashed form.</param>
    public static string Key(string kind, string @namespace, string name, string releaseNamespace)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        var token = KindToken(kind);
        var plain = token + "." + name;
        if (@namespace == releaseNamespace && plain.Length <= MaxName && ObjectName().IsMatch(name))
        {
            return Prefix + plain;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{@namespace}\n{name}")))[..KeyHashDigits];
        var room = MaxName - token.Length - 1 - 1 - KeyHashDigits;
        var head = new string([.. name.Take(room).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-')]).TrimStart('-', '.');
        return Prefix + token + "." + head + "_" + hash;
    }

    /// <summary>The kind and name a key stands for: the whole name for the plain form, null for the hashed one (whose
    /// object is found by computing its key). Null for a key that is not ours.</summary>
    public static (string Kind, string? Name)? Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key[Prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return null;
        }

        var kind = rest[..dot] switch
        {
            "cm" => "ConfigMap",
            "secret" => "Secret",
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        var name = rest[(dot + 1)..];
        return (kind, name.Contains('_', StringComparison.Ordinal) ? null : name);
    }

    /// <summary>The label value of a fingerprint, or <see cref="Absent"/> for none.</summary>
    public static string Value(ConfigFingerprint? fingerprint)
    {
        if (fingerprint is null)
        {
            return Absent;
        }

        var hash = fingerprint.Sha256[..Math.Min(HashDigits, fingerprint.Sha256.Length)];
        var value = fingerprint.ResourceVersion is { Length: > 0 } rv ? hash + "." + rv : hash;
        return value.Length <= MaxName && LabelSyntax().IsMatch(value) ? value : hash;
    }

    /// <summary>What a value records: <c>(true, null)</c> for <see cref="Absent"/>, <c>(true, fingerprint)</c>, or
    /// <c>(false, null)</c> for a value that is not one of ours.</summary>
    public static (bool Valid, ConfigFingerprint? Fingerprint) ParseValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value == Absent)
        {
            return (true, null);
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        var hash = dot < 0 ? value : value[..dot];
        if (hash.Length != HashDigits || !hash.All(char.IsAsciiHexDigitLower))
        {
            return (false, null);
        }

        return (true, new ConfigFingerprint(hash, dot < 0 ? null : value[(dot + 1)..]));
    }

    /// <summary>The <c>--labels</c> of a revision: each object's fingerprint, and <see cref="Delete"/> for each key of ours the
    /// previous revision has and this one does not (labels merge with the previous revision's).</summary>
    /// <param name="objects">The external configuration (objects in the release get no label).</param>
    /// <param name="releaseNamespace">The release's namespace.</param>
    /// <param name="previous">The labels of the release's latest revision (system labels may be among them).</param>
    public static IReadOnlyDictionary<string, string> For(IEnumerable<ExternalConfigObject> objects, string releaseNamespace, IReadOnlyDictionary<string, string> previous)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(previous);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in objects.Where(o => o.Class is ConfigClass.OtherRelease or ConfigClass.Unmanaged or ConfigClass.Missing))
        {
            labels[Key(item.Kind, item.Namespace, item.Name, releaseNamespace)] = Value(item.Fingerprint);
        }

        foreach (var key in previous.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && !labels.ContainsKey(k)))
        {
            labels[key] = Delete;
        }

        return labels;
    }

    private static string KindToken(string kind) => kind switch
    {
        "ConfigMap" => "cm",
        "Secret" => "secret",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only ConfigMaps and Secrets are fingerprinted"),
    };

    // What the API server accepts as a ConfigMap's or Secret's name (a DNS subdomain): never an underscore.
    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectName();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelSyntax();
}
