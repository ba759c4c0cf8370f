using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api.Selectors;

/// <summary>
/// A parsed <c>fieldSelector</c> query: comma-separated <c>path=value</c>, <c>path==value</c> or
/// <c>path!=value</c> over dotted object paths (<c>metadata.name</c>, <c>involvedObject.uid</c>,
/// <c>spec.nodeName</c>, <c>status.phase</c>...). A missing field compares as the empty string.
/// </summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Path, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string Path, bool Equal, string Value)> terms) => _terms = terms;

    /// <summary>The selector that matches everything.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>Parses a selector; throws a 400 <see cref="ApiException"/> on malformed input.</summary>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, bool, string)>();
        foreach (var part in text.Split(','))
        {
            var notAt = part.IndexOf("!=", StringComparison.Ordinal);
            var eqAt = part.IndexOf('=', StringComparison.Ordinal);
            if (notAt > 0)
            {
                terms.Add((part[..notAt].Trim(), false, part[(notAt + 2)..].Trim()));
            }
            else if (eqAt > 0)
            {
                var value = part[(eqAt + 1)..];
                terms.Add((part[..eqAt].Trim(), true, (value.StartsWith('=') ? value[1..] : value).Trim()));
            }
            else
            {
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            }
        }

        return new FieldSelector(terms);
    }

    /// <summary>The value required for <paramref name="path"/> by an equality term, if any (e.g. metadata.name).</summary>
    public string? RequiredValue(string path) => _terms.FirstOrDefault(t => t.Equal && t.Path == path).Value;

    /// <summary>Whether the object satisfies every term.</summary>
    public bool Matches(JsonObject obj) => _terms.All(t => (obj.Text(t.Path) ?? string.Empty) == t.Value == t.Equal);
}
