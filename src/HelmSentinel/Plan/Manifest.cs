using System.Text.Json.Nodes;
using HelmSentinel.Text;

namespace HelmSentinel.Plan;

/// <summary>Reads helm's rendered manifests (<c>helm get manifest</c>, <c>helm get hooks</c>, a dry run's <c>.manifest</c> and
/// <c>.hooks[].manifest</c>) into <see cref="ManifestObject"/>s keyed by group, kind, namespace and name. Pure.</summary>
public static class Manifest
{
    // Kinds without a namespace, among those a chart renders; any other kind is namespaced (the release's namespace when
    // the document names none), as helm places it.
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
        "PriorityClass", "IngressClass", "RuntimeClass", "APIService", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CSIDriver", "VolumeSnapshotClass",
    };

    /// <summary>The objects of a multi-document text, in order. Documents with only comments are skipped; a kind <c>List</c>
    /// gives its items.</summary>
    /// <param name="text">Documents separated by <c>---</c> lines, each usually opened by helm's <c># Source: PATH</c>.</param>
    /// <param name="releaseNamespace">The namespace of an object that names none.</param>
    /// <param name="hooks">True when the text is hooks only (<c>helm get hooks</c>, a dry run's <c>.hooks</c>).</param>
    /// <exception cref="FormatException">A document is not YAML, not a mapping, or lacks its apiVersion, kind or name.</exception>
    public static IReadOnlyList<ManifestObject> Parse(string text, string releaseNamespace, bool hooks = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var objects = new List<ManifestObject>();
        foreach (var (source, document) in YamlDocuments.Split(text))
        {
            var where = source is null ? "a manifest document" : "the document from " + source;
            JsonNode? node;
            try
            {
                node = YamlJson.Parse(document);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{where} is {e.Message}", e);
            }

            if (node is null)
            {
                continue;
            }

            if (node is not JsonObject body)
            {
                throw new FormatException($"{where} is not a mapping");
            }

            if (Text(body, "kind") == "List" && body["items"] is JsonArray items)
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    objects.Add(Read((JsonObject)item.DeepClone(), source, where, releaseNamespace, hooks, document.Length / Math.Max(1, items.Count)));
                }

                continue;
            }

            objects.Add(Read(body, source, where, releaseNamespace, hooks, document.Length) with { Document = document });
        }

        return objects;
    }

    /// <summary>The hook annotation <c>helm.sh/hook</c> of an object, when it has one.</summary>
    public static string? HookOf(JsonObject body) => body["metadata"]?["annotations"]?["helm.sh/hook"]?.GetValue<object>()?.ToString();

    private static ManifestObject Read(JsonObject body, string? source, string where, string releaseNamespace, bool hooks, int size)
    {
        var apiVersion = Text(body, "apiVersion") ?? throw new FormatException($"{where} has no apiVersion");
        var kind = Text(body, "kind") ?? throw new FormatException($"{where} has no kind");
        var name = body["metadata"]?["name"]?.ToString() ?? throw new FormatException($"{where} ({kind}) has no metadata.name");
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        var ns = ClusterScoped.Contains(kind) ? "" : body["metadata"]?["namespace"]?.ToString() is { Length: > 0 } given ? given : releaseNamespace;
        return new ManifestObject(new ObjectKey(group, kind, ns, name), apiVersion, source, body, hooks || HookOf(body) is not null, size);
    }

    private static string? Text(JsonObject body, string field) => body[field] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}
