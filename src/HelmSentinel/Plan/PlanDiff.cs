using System.Text;
using System.Text.Json.Nodes;

namespace HelmSentinel.Plan;

/// <summary>The per-object semantic diff of the deployed revision's objects and the proposed ones. Pure.</summary>
public static class PlanDiff
{
    /// <summary>The annotation <c>kubectl apply</c> leaves: a copy of the object (a Secret's values too), never shown.</summary>
    public const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Each object of either side, in kind and name order: added, removed, changed (with its fields) or unchanged.
    /// Secrets are compared by key and length only; helm's own release Secrets are left out.</summary>
    public static IReadOnlyList<ObjectChange> Compare(IReadOnlyList<ManifestObject> current, IReadOnlyList<ManifestObject> proposed)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        var before = Index(current);
        var after = Index(proposed);
        var changes = new List<ObjectChange>();
        foreach (var key in before.Keys.Union(after.Keys).Order())
        {
            var old = before.GetValueOrDefault(key);
            var neu = after.GetValueOrDefault(key);
            var shown = (neu ?? old)!;
            var (oldBody, oldSecret) = Prepare(old);
            var (newBody, newSecret) = Prepare(neu);
            var secretKeys = SecretKeys(oldSecret, newSecret);
            if (old is null || neu is null)
            {
                changes.Add(new ObjectChange(key, shown.ApiVersion, shown.Source, shown.IsHook, old is null ? ChangeAction.Added : ChangeAction.Removed, [], secretKeys));
                continue;
            }

            var fields = FieldDiff.Compare(oldBody, newBody);
            var action = fields.Count > 0 || secretKeys.Any(k => k.State is not SecretKeyState.Unchanged) ? ChangeAction.Changed : ChangeAction.Unchanged;
            changes.Add(new ObjectChange(key, neu.ApiVersion, neu.Source, neu.IsHook, action, fields, secretKeys));
        }

        return changes;
    }

    /// <summary>True for a Secret in which helm stores a release (<c>type: helm.sh/release.v1</c>): never part of a plan.</summary>
    public static bool IsReleaseRecord(ManifestObject item) =>
        item.Key is { Group: "", Kind: "Secret" or "ConfigMap" } && (JsonTree.Text(item.Body["type"]) == "helm.sh/release.v1" || item.Key.Name.StartsWith("sh.helm.release.v1.", StringComparison.Ordinal));

    /// <summary>True for a core Secret, whose values a plan never shows.</summary>
    public static bool IsSecret(ObjectKey key) => key is { Group: "", Kind: "Secret" };

    /// <summary>A Secret's values by key, as bytes: <c>data</c> decoded from base64 (as it is when it is not base64),
    /// <c>stringData</c> as UTF-8 over it, as the API server merges them.</summary>
    public static Dictionary<string, byte[]> SecretValues(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (body["data"] is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                var text = JsonTree.Text(value) ?? "";
                values[key] = TryBase64(text) ?? Encoding.UTF8.GetBytes(text);
            }
        }

        if (body["stringData"] is JsonObject strings)
        {
            foreach (var (key, value) in strings)
            {
                values[key] = Encoding.UTF8.GetBytes(JsonTree.Text(value) ?? "");
            }
        }

        return values;
    }

    private static Dictionary<ObjectKey, ManifestObject> Index(IReadOnlyList<ManifestObject> objects)
    {
        var index = new Dictionary<ObjectKey, ManifestObject>();
        foreach (var item in objects.Where(o => !IsReleaseRecord(o)))
        {
            index[item.Key] = item; // a key rendered twice: helm applies the last one
        }

        return index;
    }

    // The body as it is compared: without kubectl's last-applied copy; for a Secret without its values, returned apart.
    private static (JsonObject? Body, Dictionary<string, byte[]>? Secret) Prepare(ManifestObject? item)
    {
        if (item is null)
        {
            return (null, null);
        }

        var body = (JsonObject)item.Body.DeepClone();
        if (body["metadata"]?["annotations"] is JsonObject annotations)
        {
            annotations.Remove(LastApplied);
        }

        if (!IsSecret(item.Key))
        {
            return (body, null);
        }

        var values = SecretValues(body);
        body.Remove("data");
        body.Remove("stringData");
        return (body, values);
    }

    private static List<SecretKeyChange> SecretKeys(Dictionary<string, byte[]>? before, Dictionary<string, byte[]>? after)
    {
        if (before is null && after is null)
        {
            return [];
        }

        before ??= [];
        after ??= [];
        var keys = new List<SecretKeyChange>();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(key);
            var neu = after.GetValueOrDefault(key);
            var state = old is null ? SecretKeyState.Added : neu is null ? SecretKeyState.Removed : old.AsSpan().SequenceEqual(neu) ? SecretKeyState.Unchanged : SecretKeyState.Changed;
            keys.Add(new SecretKeyChange(key, state, old?.Length, neu?.Length));
        }

        return keys;
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
