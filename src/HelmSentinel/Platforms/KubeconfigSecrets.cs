using System.Text.RegularExpressions;

namespace HelmSentinel.Platforms;

/// <summary>
/// The credential values inside a kubeconfig (tokens, keys, certificates, passwords), to be masked in every
/// output. The whole content is a secret too, but a log line never holds all of it: these values are what
/// could leak one line at a time. Pure and line-based, so it works on YAML and on JSON kubeconfigs.
/// </summary>
public static partial class KubeconfigSecrets
{
    /// <summary>The kubeconfig keys whose values are credentials.</summary>
    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "token", "client-key-data", "client-certificate-data", "certificate-authority-data", "password",
        "id-token", "refresh-token", "access-token", "client-secret", "idp-certificate-authority-data",
    };

    /// <summary>Every credential value found in <paramref name="kubeconfig"/>, unquoted, without duplicates.</summary>
    public static IReadOnlyList<string> Extract(string? kubeconfig)
    {
        if (string.IsNullOrWhiteSpace(kubeconfig))
        {
            return [];
        }

        var values = new List<string>();
        foreach (Match match in KeyValue().Matches(kubeconfig))
        {
            if (!Keys.Contains(match.Groups["key"].Value))
            {
                continue;
            }

            var value = match.Groups["value"].Value.Trim().TrimEnd(',').Trim().Trim('"', '\'');
            if (value.Length > 0 && !values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }
        }

        return values;
    }

    // `key: value` (YAML) or `"key": "value"` (JSON), one per line.
    [GeneratedRegex("""^[ \t\-{,]*"?(?<key>[A-Za-z-]+)"?[ \t]*:[ \t]*(?<value>[^\r\n]+?)[ \t]*\r?$""", RegexOptions.Multiline)]
    private static partial Regex KeyValue();
}
