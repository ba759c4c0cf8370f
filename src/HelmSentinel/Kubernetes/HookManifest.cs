using System.Globalization;
using HelmSentinel.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelmSentinel.Kubernetes;

/// <summary>Reads the output of <c>helm get hooks</c> into <see cref="HookResource"/> records (pure).</summary>
public static class HookManifest
{
    private const string HookAnnotation = "helm.sh/hook";
    private const string DeletePolicyAnnotation = "helm.sh/hook-delete-policy";
    private const string WeightAnnotation = "helm.sh/hook-weight";
    /// <summary>
    /// The hook resources of one revision, in helm's order. The text is helm's: documents separated by <c>---</c>
    /// lines, each opened by a <c># Source: PATH</c> comment; documents with nothing but comments are skipped. Every
    /// kind is kept; <see cref="HookResource.IsJobOrPod"/> marks the ones that run.
    /// </summary>
    /// <param name="yaml">What <c>helm get hooks</c> printed; empty for a revision without hooks.</param>
    /// <exception cref="FormatException">A document is not YAML, not a mapping, or has no kind or name (helm never
    /// prints such a hook: the text is not its output).</exception>
    public static IReadOnlyList<HookResource> Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var hooks = new List<HookResource>();
        foreach (var (source, text) in YamlDocuments.Split(yaml))
        {
            if (Read(source, text) is { } hook)
            {
                hooks.Add(hook);
            }
        }

        return hooks;
    }

    private static HookResource? Read(string? source, string text)
    {
        var where = source is null ? "a hook document" : "the hook from " + source;
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new FormatException($"{where} is not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return null; // comments only: a template that rendered nothing else
        }

        if (stream.Documents.Count > 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException($"{where} is not one YAML mapping");
        }

        var kind = Scalar(root, "kind");
        var metadata = Child(root, "metadata") as YamlMappingNode;
        var name = metadata is null ? null : Scalar(metadata, "name");
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name))
        {
            throw new FormatException($"{where} has no kind or no metadata.name");
        }

        var annotations = metadata is null ? null : Child(metadata, "annotations") as YamlMappingNode;
        var weight = annotations is not null && Scalar(annotations, WeightAnnotation) is { } w &&
                     int.TryParse(w, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : 0;
        return new HookResource(
            Scalar(root, "apiVersion") ?? string.Empty,
            kind,
            name,
            metadata is null || Scalar(metadata, "namespace") is not { Length: > 0 } ns ? null : ns,
            List(annotations, HookAnnotation),
            List(annotations, DeletePolicyAnnotation),
            weight,
            source)
        {
            Labels = Map(metadata is null ? null : Child(metadata, "labels") as YamlMappingNode),
            Commands = Commands(root, kind),
        };
    }

    // The containers of a Job's pod template or of a Pod, init containers first, each as "command args".
    private static string[] Commands(YamlMappingNode root, string kind)
    {
        var spec = Child(root, "spec") as YamlMappingNode;
        var podSpec = kind == "Job" && spec is not null && Child(spec, "template") is YamlMappingNode template ? Child(template, "spec") as YamlMappingNode : spec;
        if (podSpec is null)
        {
            return [];
        }

        return [.. new[] { "initContainers", "containers" }
            .SelectMany(key => Child(podSpec, key) is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>() : [])
            .Select(c => string.Join(' ', Words(c, "command").Concat(Words(c, "args"))))
            .Where(c => c.Length > 0)];
    }

    private static IEnumerable<string> Words(YamlMappingNode container, string key) =>
        Child(container, key) is YamlSequenceNode words ? words.Children.OfType<YamlScalarNode>().Select(w => w.Value ?? "") : [];

    private static Dictionary<string, string> Map(YamlMappingNode? map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in map?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            if (child.Key is YamlScalarNode { Value: { } k } && child.Value is YamlScalarNode v)
            {
                result[k] = v.Value ?? "";
            }
        }

        return result;
    }

    /// <summary>A comma-separated annotation as Helm splits it: each entry trimmed and lower-cased, empty ones dropped.</summary>
    private static string[] List(YamlMappingNode? annotations, string key) =>
        annotations is null || Scalar(annotations, key) is not { } value
            ? []
            : [.. value.Split(',').Select(v => v.Trim().ToLowerInvariant()).Where(v => v.Length > 0)];

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && k.Value == key).Value;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;
}
