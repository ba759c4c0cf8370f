using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Simulator.Api.Bodies;

/// <summary>Turns a request body (JSON, YAML or Kubernetes protobuf) into a JSON node.</summary>
internal static class RequestBody
{
    /// <summary>The decoded body, or null when it is empty. Throws 415 for other content types, 400 when malformed.</summary>
    public static JsonNode? Decode(string? contentType, byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        var mediaType = (contentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
        try
        {
            return mediaType switch
            {
                "application/vnd.kubernetes.protobuf" => KubeProtobuf.Decode(body),
                "application/yaml" or "application/apply-patch+yaml" or "text/yaml" => Yaml(body),
                "application/json" or "application/strategic-merge-patch+json" or "application/merge-patch+json"
                    or "application/json-patch+json" or "application/apply-patch+json" or "text/plain" or "*/*" => JsonNode.Parse(body),
                _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"),
            };
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("error decoding body: " + e.Message);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw ApiException.BadRequest("error decoding YAML body: " + e.Message);
        }
    }

    private static JsonNode? Yaml(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        if (text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('['))
        {
            return JsonNode.Parse(text);
        }

        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? string.Empty, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
            or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "null" or "~" or "" => null,
            "true" or "True" => JsonValue.Create(true),
            "false" or "False" => JsonValue.Create(false),
            _ when long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
