using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Plan;

/// <summary>
/// YAML documents as JSON trees, typed as the API server reads them (sigs.k8s.io/yaml: a plain scalar is a null, a
/// boolean, an integer or a float when it looks like one; a quoted one, or one tagged <c>!!str</c>, is a string), so a
/// rendered manifest compares with the live object the API returns.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>The JSON tree of one YAML document; null for a document with no content (only comments).</summary>
    /// <exception cref="FormatException">The text is not YAML.</exception>
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new FormatException($"not valid YAML: {e.Message}", e);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => Map(map),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonObject Map(YamlMappingNode map)
    {
        var result = new JsonObject();
        var merged = new List<JsonObject>();
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode { Value: { } k } ? k : key.ToString();

            // A merge key (YAML 1.1 `<<: *anchor`, which helm's parser honours): its maps' fields, where the map sets none.
            if (name == "<<" && key is YamlScalarNode { Style: ScalarStyle.Plain })
            {
                foreach (var source in value is YamlSequenceNode list ? list.Children : [value])
                {
                    if (Convert(source) is JsonObject fields)
                    {
                        merged.Add(fields);
                    }
                }

                continue;
            }

            result[name] = Convert(value);
        }

        foreach (var (name, value) in merged.SelectMany(m => m))
        {
            if (!result.ContainsKey(name))
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }

    // As sigs.k8s.io/yaml reads a plain scalar (go-yaml v2, YAML 1.1): y/yes/on and n/no/off are booleans; integers in
    // Go's base prefixes (0644 is octal 420, 0x1F hex, 0b101 binary) with '_' allowed; then floats; the rest strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (Integer(text.Replace("_", "", StringComparison.Ordinal)) is { } whole)
        {
            return JsonValue.Create(whole);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    // Go's strconv.ParseInt(text, 0, 64): an optional sign, then 0x/0X hex, 0b/0B binary, 0o/0O or a leading 0 octal, else decimal.
    private static long? Integer(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var negative = text[0] == '-';
        var digits = text[0] is '-' or '+' ? text[1..] : text;
        var (radix, body) = digits.Length > 1 && digits[0] == '0'
            ? char.ToLowerInvariant(digits[1]) switch
            {
                'x' => (16, digits[2..]),
                'b' => (2, digits[2..]),
                'o' => (8, digits[2..]),
                _ => (8, digits[1..]),
            }
            : (10, digits);
        if (body.Length == 0)
        {
            return null;
        }

        long value = 0;
        foreach (var c in body)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix || value > (long.MaxValue - digit) / radix)
            {
                return null;
            }

            value = value * radix + digit;
        }

        return negative ? -value : value;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
