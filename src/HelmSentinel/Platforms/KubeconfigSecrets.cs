using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Platforms;

/// <summary>
/// The credential values inside a kubeconfig (tokens, keys, certificates, passwords), to be masked in every
/// output. The whole content is a secret too, but a log line never holds all of it: these values are what
/// could leak one line at a time. Pure: the kubeconfig is read as YAML (JSON is YAML too), every mapping at any
/// depth, block or flow style; text that does not parse is scanned line by line instead. The one extractor of
/// both platforms: the action's <c>kubeconfig</c> input, the task's service connection and kubeconfig content.
/// </summary>
public static partial class KubeconfigSecrets
{
    /// <summary>The kubeconfig keys whose values are credentials: the user's token, password and client certificate,
    /// the cluster's CA, and the auth-provider's tokens and secrets (<c>secret</c> as some providers name it).</summary>
    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "token", "client-key-data", "client-certificate-data", "certificate-authority-data", "password",
        "id-token", "refresh-token", "access-token", "client-secret", "idp-certificate-authority-data", "secret",
    };

    /// <summary>Every credential value found in <paramref name="kubeconfig"/>, unquoted, without duplicates.</summary>
    public static IReadOnlyList<string> Extract(string? kubeconfig)
    {
        if (string.IsNullOrWhiteSpace(kubeconfig))
        {
            return [];
        }

        var values = new List<string>();
        void Add(string? value)
        {
            value = value?.Trim();
            if (!string.IsNullOrEmpty(value) && !values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }
        }

        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(kubeconfig));
            foreach (var document in yaml.Documents)
            {
                foreach (var mapping in document.AllNodes.OfType<YamlMappingNode>())
                {
                    foreach (var (key, value) in mapping.Children)
                    {
                        if (key is YamlScalarNode { Value: { } name } && Keys.Contains(name) && value is YamlScalarNode scalar)
                        {
                            Add(scalar.Value);
                        }
                    }
                }
            }
        }
        catch (YamlException)
        {
            foreach (Match match in KeyValue().Matches(kubeconfig))
            {
                if (Keys.Contains(match.Groups["key"].Value))
                {
                    Add(match.Groups["value"].Value.Trim().TrimEnd(',').Trim().Trim('"', '\''));
                }
            }
        }

        return values;
    }

    // `key: value` (YAML) or `"key": "value"` (JSON), one per line.
    [GeneratedRegex("""^[ \t\-{,]*"?(?<key>[A-Za-z-]+)"?[ \t]*:[ \t]*(?<value>[^\r\n]+?)[ \t]*\r?$""", RegexOptions.Multiline)]
    private static partial Regex KeyValue();
}
