using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Validation;

/// <summary>
/// apimachinery's <c>ValidateLabels</c>, which every API write of every kind passes: each key a qualified name (an optional
/// DNS-subdomain prefix of at most 253 characters, <c>/</c>, and a name of at most 63), each value at most 63 characters
/// of the label syntax. A write that breaks them is the 422 <c>Invalid</c> on <c>metadata.labels</c>, with the apiserver's
/// messages; so a chart, or a tool writing labels (<c>helm upgrade --labels</c> onto its release Secret), fails here as it
/// would on a cluster. Errors come in key order (Go ranges over the map in no fixed order).
/// </summary>
internal static partial class MetadataLabels
{
    private const string Field = "metadata.labels";
    private const int MaxName = 63;
    private const int MaxPrefix = 253;

    private const string NameSyntax =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string ValueSyntax =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string PrefixSyntax =
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end " +
        "with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    /// <summary>Throws the 422 of an object whose labels the apiserver refuses; does nothing otherwise.</summary>
    public static void Check(ResourceType type, JsonObject stored)
    {
        var errors = Errors(stored);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, stored.Text("metadata.name") ?? string.Empty, errors);
        }
    }

    /// <summary>The label errors of an object, in key order.</summary>
    public static List<FieldError> Errors(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (obj["metadata"]?["labels"] is not JsonObject labels)
        {
            return errors;
        }

        foreach (var (key, node) in labels.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            errors.AddRange(KeyMessages(key).Select(m => FieldError.Invalid(Field, GoSyntax.Quote(key), m)));
            var value = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? string.Empty;
            if (value.Length > MaxName)
            {
                errors.Add(FieldError.Invalid(Field, GoSyntax.Quote(value), $"must be no more than {MaxName} characters"));
            }

            if (!ValuePattern().IsMatch(value))
            {
                errors.Add(FieldError.Invalid(Field, GoSyntax.Quote(value), ValueSyntax));
            }
        }

        return errors;
    }

    // IsQualifiedName.
    private static IEnumerable<string> KeyMessages(string key)
    {
        var parts = key.Split('/');
        string name;
        if (parts.Length == 1)
        {
            name = key;
        }
        else if (parts.Length == 2)
        {
            var prefix = parts[0];
            name = parts[1];
            if (prefix.Length == 0)
            {
                yield return "prefix part must be non-empty";
            }
            else
            {
                if (prefix.Length > MaxPrefix)
                {
                    yield return $"prefix part must be no more than {MaxPrefix} characters";
                }

                if (!PrefixPattern().IsMatch(prefix))
                {
                    yield return PrefixSyntax;
                }
            }
        }
        else
        {
            yield return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
                "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' " +
                "(e.g. 'example.com/MyName')";
            yield break;
        }

        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
            yield break;
        }

        if (name.Length > MaxName)
        {
            yield return $"name part must be no more than {MaxName} characters";
        }

        if (!NamePattern().IsMatch(name))
        {
            yield return NameSyntax;
        }
    }

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
