using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Kubernetes;
using HelmSentinel.Plan;

namespace HelmSentinel.Drift;

/// <summary>What the cluster said about one referenced object: its body, null for none (404), or why it could not be read.</summary>
/// <param name="Body">The live object; null when there is none or it could not be read.</param>
/// <param name="Error">Why it could not be read; null when it was.</param>
public sealed record LiveRead(JsonObject? Body, string? Error = null);

/// <summary>Sorts the ConfigMaps and Secrets a release's pods read by who owns them, and fingerprints those outside the
/// release. Pure: the live objects are read by <see cref="ExternalConfig"/>.</summary>
public static class ConfigClassifier
{
    private const string ReleaseNameAnnotation = "meta.helm.sh/release-name";
    private const string ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace";

    /// <summary>The objects the references name, one each, in kind and name order.</summary>
    /// <param name="references">What the pod templates refer to (<see cref="PreflightChecks.References"/>).</param>
    /// <param name="rendered">The objects of the manifest being deployed.</param>
    /// <param name="live">What the cluster holds for each referenced object the chart does not render.</param>
    /// <param name="release">The release.</param>
    /// <param name="releaseNamespace">Its namespace.</param>
    public static IReadOnlyList<ExternalConfigObject> Classify(
        IEnumerable<PodReference> references, IEnumerable<ManifestObject> rendered, IReadOnlyDictionary<ObjectKey, LiveRead> live, string release, string releaseNamespace)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(live);
        var inChart = rendered.Select(o => o.Key).ToHashSet();
        var objects = new List<ExternalConfigObject>();
        foreach (var group in references.GroupBy(r => KeyOf(r)).OrderBy(g => g.Key))
        {
            var key = group.Key;
            var optional = group.All(r => r.Optional || r.PullSecret);
            var where = group.Select(r => $"{r.Owner.Display} {r.Path}").Distinct(StringComparer.Ordinal).ToList();
            ExternalConfigObject Make(ConfigClass @class, string? owner = null, ConfigFingerprint? fingerprint = null) =>
                new(key.Kind, key.Namespace, key.Name, @class, owner, fingerprint, optional, where);

            if (inChart.Contains(key))
            {
                objects.Add(Make(ConfigClass.InRelease));
                continue;
            }

            var read = live.GetValueOrDefault(key) ?? new LiveRead(null, "not read");
            if (read.Error is { } error)
            {
                objects.Add(Make(ConfigClass.Unreadable, error));
            }
            else if (read.Body is not { } body)
            {
                objects.Add(Make(ConfigClass.Missing));
            }
            else
            {
                var (@class, owner) = Owner(body, release, releaseNamespace);
                objects.Add(Make(@class, owner, @class is ConfigClass.InRelease ? null : Fingerprint(body)));
            }
        }

        return objects;
    }

    /// <summary>The object a reference names.</summary>
    public static ObjectKey KeyOf(PodReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new ObjectKey("", reference.Kind, reference.Namespace, reference.Name);
    }

    /// <summary>Who owns a live object: this release, another (by its Helm annotations), or nobody Helm knows, named by its
    /// controlling owner reference (<c>ExternalSecret/db</c>) or else by the field manager of its data.</summary>
    public static (ConfigClass Class, string? Owner) Owner(JsonObject live, string release, string releaseNamespace)
    {
        ArgumentNullException.ThrowIfNull(live);
        var annotations = live["metadata"]?["annotations"] as JsonObject;
        var owner = JsonTree.Text(annotations?[ReleaseNameAnnotation]);
        var ownerNamespace = JsonTree.Text(annotations?[ReleaseNamespaceAnnotation]) ?? releaseNamespace;
        if (owner is not null)
        {
            return owner == release && ownerNamespace == releaseNamespace
                ? (ConfigClass.InRelease, null)
                : (ConfigClass.OtherRelease, ownerNamespace == releaseNamespace ? $"release {owner}" : $"release {owner} (namespace {ownerNamespace})");
        }

        var references = (live["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var controller = references.FirstOrDefault(r => JsonTree.Text(r["controller"]) == "true") ?? references.FirstOrDefault();
        if (controller is not null)
        {
            return (ConfigClass.Unmanaged, $"{JsonTree.Text(controller["kind"]) ?? "?"}/{JsonTree.Text(controller["name"]) ?? "?"}");
        }

        var manager = ManagedFields.OwnerOf(live, "data") ?? ManagedFields.OwnerOf(live, "binaryData")
            ?? (live["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>().Select(e => JsonTree.Text(e["manager"])).OfType<string>().FirstOrDefault();
        return (ConfigClass.Unmanaged, manager is null ? null : "field manager " + manager);
    }

    /// <summary>The fingerprint of a live ConfigMap or Secret: SHA-256 over its <c>data</c> and <c>binaryData</c> entries in
    /// key order (each field, key and value as the API server sends it, NUL-separated), and its resourceVersion. The data
    /// itself is read here and nowhere kept.</summary>
    public static ConfigFingerprint Fingerprint(JsonObject live)
    {
        ArgumentNullException.ThrowIfNull(live);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var field in new[] { "data", "binaryData" })
        {
            if (live[field] is not JsonObject map)
            {
                continue;
            }

            foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{field}\0{key}\0{JsonTree.Text(value) ?? ""}\0"));
            }
        }

        return new ConfigFingerprint(Convert.ToHexStringLower(hash.GetHashAndReset()), JsonTree.Text(live["metadata"]?["resourceVersion"]));
    }

    /// <summary>The missing ConfigMaps and Secrets (not optional) that keep pods in <c>CreateContainerConfigError</c>: one
    /// sentence naming them and who refers to them, or null when no pod is in that state or nothing is missing.</summary>
    public static string? ConfigErrorCause(RolloutDiagnosis? diagnosis, IReadOnlyList<ExternalConfigObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (diagnosis is null || !diagnosis.Pods.Any(p => p.Reason == "CreateContainerConfigError"))
        {
            return null;
        }

        var workloads = diagnosis.Pods.Where(p => p.Reason == "CreateContainerConfigError").Select(p => p.Workload).ToHashSet(StringComparer.Ordinal);
        var missing = objects.Where(o => o.Class is ConfigClass.Missing && !o.Optional).ToList();
        var concerned = missing.Where(o => o.ReferencedBy.Any(r => workloads.Contains(r.Split(' ')[0]))).ToList();
        var named = concerned.Count > 0 ? concerned : missing;
        return named.Count == 0
            ? null
            : "missing configuration: " + string.Join("; ", named.Select(o => $"{o.Kind} `{o.Name}` (namespace {o.Namespace}, not optional, referenced by {string.Join(", ", o.ReferencedBy)}) did not exist when the deploy started"));
    }
}
