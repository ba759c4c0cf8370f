using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace HelmSentinel.Plan;

/// <summary>The preflight checks that need nothing but the objects they look at (the cluster's answers are passed in). Pure.</summary>
public static class PreflightChecks
{
    /// <summary>Helm keeps each revision in one Secret (or ConfigMap), whose data may not pass 1 MiB.</summary>
    public const int ReleaseLimitBytes = 1024 * 1024;

    /// <summary>A release record above this is a warning.</summary>
    public const int ReleaseWarningBytes = 700 * 1024;

    private const string ReleaseNameAnnotation = "meta.helm.sh/release-name";
    private const string ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace";
    private const string ManagedByLabel = "app.kubernetes.io/managed-by";

    private static readonly string[] StatefulSetImmutable = ["spec.selector", "spec.serviceName", "spec.volumeClaimTemplates", "spec.podManagementPolicy"];

    /// <summary>
    /// The fields the API server will not change that this upgrade changes: a selector, a StatefulSet's serviceName, claim
    /// templates or pod management policy, a Job's template, a Service's clusterIP. A field counts when the chart now
    /// renders it otherwise than the deployed revision did, and the live object (when it could be read) does not already
    /// hold the new value; fields the chart leaves out, or empties, keep what the object has. Hooks are recreated, not
    /// patched, and are not checked; an object new to the release is not either (the ownership check covers it).
    /// </summary>
    /// <param name="proposed">The object as the upgrade renders it.</param>
    /// <param name="deployed">The same object in the deployed revision's manifest; null when it is new to the release.</param>
    /// <param name="live">The live object; null when it could not be read, or does not exist.</param>
    public static IReadOnlyList<Finding> Immutable(ManifestObject proposed, JsonObject? deployed, JsonObject? live)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        if (deployed is null || proposed.IsHook)
        {
            return [];
        }

        var key = proposed.Key;
        var (paths, fix) = key switch
        {
            { Group: "apps" or "extensions", Kind: "Deployment" or "ReplicaSet" or "DaemonSet" } => (
                (string[])["spec.selector"],
                $"keep the selector (add labels to the pod template only), or delete the {key.Kind} first with `{Delete(key)} --cascade=orphan` (its pods keep running) and let the upgrade create it with the new selector"),
            { Group: "apps", Kind: "StatefulSet" } => (
                StatefulSetImmutable,
                $"keep these fields, or delete the StatefulSet first with `{Delete(key)} --cascade=orphan` (its pods and volumes stay; the upgrade creates it again and it adopts them)"),
            { Group: "batch", Kind: "Job" } => (
                (string[])["spec.selector", "spec.template"],
                $"a Job that exists is never updated: delete it first (`{Delete(key)}`), or make it a hook with `helm.sh/hook-delete-policy: before-hook-creation` so helm recreates it on each upgrade"),
            { Group: "", Kind: "Service" } => (
                (string[])["spec.clusterIP", "spec.clusterIPs"],
                "remove `clusterIP` from the chart (the Service keeps the address it has) or set it to the live value"),
            _ => ([], ""),
        };
        var findings = new List<Finding>();
        foreach (var path in paths)
        {
            var wanted = JsonTree.At(proposed.Body, path);
            if (wanted is null || JsonTree.IsUnset(wanted) || FieldDiff.Compare(JsonTree.At(deployed, path), wanted, path).Count == 0)
            {
                continue;
            }

            var changes = FieldDiff.Subset(wanted, JsonTree.At(live ?? deployed, path), path);
            if (changes.Count == 0)
            {
                continue;
            }

            var what = key.Kind == "StatefulSet" && path != "spec.selector"
                ? "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
                : key.Kind == "Service" ? "may not change once set" : "field is immutable";
            var where = live is null ? "in the deployed revision" : "in the cluster";
            var change = string.Join("; ", changes.Take(3).Select(c => $"{c.Path} is {Show(c.After)} {where}, {Show(c.Before)} in the chart"));
            findings.Add(new Finding(
                FindingSeverity.Blocking, Checks.ImmutableField, key,
                $"helm upgrade will fail: {key.Display}'s {path} cannot change ({what}): {change}",
                fix));
        }

        return findings;
    }

    /// <summary>An object of the chart that exists but is not this release's: Helm refuses it ("invalid ownership
    /// metadata"). Null when it is this release's, or does not exist.</summary>
    /// <param name="proposed">The object as the chart renders it.</param>
    /// <param name="live">The object in the cluster; null when there is none.</param>
    /// <param name="release">This release.</param>
    /// <param name="releaseNamespace">This release's namespace.</param>
    public static Finding? Ownership(ManifestObject proposed, JsonObject? live, string release, string releaseNamespace)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        if (live is null || proposed.IsHook)
        {
            return null;
        }

        var annotations = live["metadata"]?["annotations"] as JsonObject;
        var labels = live["metadata"]?["labels"] as JsonObject;
        var owner = JsonTree.Text(annotations?[ReleaseNameAnnotation]);
        var ownerNamespace = JsonTree.Text(annotations?[ReleaseNamespaceAnnotation]);
        var managedBy = JsonTree.Text(labels?[ManagedByLabel]);
        if (owner == release && ownerNamespace == releaseNamespace && managedBy == "Helm")
        {
            return null;
        }

        var found = new List<string>();
        if (owner is not null)
        {
            found.Add($"{ReleaseNameAnnotation}={owner}");
        }

        if (ownerNamespace is not null)
        {
            found.Add($"{ReleaseNamespaceAnnotation}={ownerNamespace}");
        }

        if (managedBy is not null)
        {
            found.Add($"{ManagedByLabel}={managedBy}");
        }

        var whose = owner is not null && owner != release || ownerNamespace is not null && ownerNamespace != releaseNamespace
            ? $"it belongs to release {owner ?? "(none)"} in namespace {ownerNamespace ?? "(none)"}"
            : found.Count == 0 ? "it belongs to no release (no Helm annotations or label)" : "its Helm ownership metadata is incomplete";
        var key = proposed.Key;
        var kind = key.Kind.ToLowerInvariant();
        var ns = key.Namespace.Length > 0 ? $" -n {key.Namespace}" : "";
        return new Finding(
            FindingSeverity.Blocking, Checks.Ownership, key,
            $"helm upgrade will fail (invalid ownership metadata): {key.Display} already exists and {whose}" +
            (found.Count > 0 ? $"; found {string.Join(", ", found)}" : ""),
            $"rename it in the chart, remove it from the other release, or adopt it: `kubectl annotate {kind} {key.Name}{ns} --overwrite {ReleaseNameAnnotation}={release} {ReleaseNamespaceAnnotation}={releaseNamespace}` and `kubectl label {kind} {key.Name}{ns} --overwrite {ManagedByLabel}=Helm`");
    }

    /// <summary>Every ConfigMap and Secret the pod templates of <paramref name="objects"/> refer to: <c>envFrom</c>,
    /// <c>env[].valueFrom</c>, <c>volumes</c> (projected ones too) of every container and init container, and <c>imagePullSecrets</c>.</summary>
    public static IReadOnlyList<PodReference> References(IEnumerable<ManifestObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var references = new List<PodReference>();
        foreach (var item in objects)
        {
            var (spec, at) = PodSpec(item);
            if (spec is not JsonObject pod)
            {
                continue;
            }

            void Add(string kind, JsonNode? name, string? key, JsonNode? optional, string path, bool pull = false)
            {
                if (JsonTree.Text(name) is { Length: > 0 } n)
                {
                    references.Add(new PodReference(kind, item.Key.Namespace, n, key, JsonTree.Text(optional) == "true", pull, item.Key, path));
                }
            }

            foreach (var list in new[] { "initContainers", "containers" })
            {
                foreach (var container in (pod[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var where = JsonTree.Item(JsonTree.Child(at, list), "name", JsonTree.Text(container["name"]) ?? "?");
                    foreach (var from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Add("ConfigMap", from["configMapRef"]?["name"], null, from["configMapRef"]?["optional"], where + ".envFrom");
                        Add("Secret", from["secretRef"]?["name"], null, from["secretRef"]?["optional"], where + ".envFrom");
                    }

                    foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var path = JsonTree.Item(where + ".env", "name", JsonTree.Text(env["name"]) ?? "?");
                        if (env["valueFrom"]?["configMapKeyRef"] is JsonObject cm)
                        {
                            Add("ConfigMap", cm["name"], JsonTree.Text(cm["key"]), cm["optional"], path);
                        }

                        if (env["valueFrom"]?["secretKeyRef"] is JsonObject secret)
                        {
                            Add("Secret", secret["name"], JsonTree.Text(secret["key"]), secret["optional"], path);
                        }
                    }
                }
            }

            foreach (var volume in (pod["volumes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var path = JsonTree.Item(JsonTree.Child(at, "volumes"), "name", JsonTree.Text(volume["name"]) ?? "?");
                if (volume["configMap"] is JsonObject cm)
                {
                    AddWithItems("ConfigMap", cm["name"], cm, path);
                }

                if (volume["secret"] is JsonObject secret)
                {
                    AddWithItems("Secret", secret["secretName"], secret, path);
                }

                foreach (var source in (volume["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (source["configMap"] is JsonObject pcm)
                    {
                        AddWithItems("ConfigMap", pcm["name"], pcm, path + ".projected");
                    }

                    if (source["secret"] is JsonObject ps)
                    {
                        AddWithItems("Secret", ps["name"], ps, path + ".projected");
                    }
                }
            }

            foreach (var pull in (pod["imagePullSecrets"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Add("Secret", pull["name"], null, null, JsonTree.Child(at, "imagePullSecrets"), pull: true);
            }

            void AddWithItems(string kind, JsonNode? name, JsonObject source, string path)
            {
                var keys = (source["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => JsonTree.Text(i["key"])).OfType<string>().ToList();
                if (keys.Count == 0)
                {
                    Add(kind, name, null, source["optional"], path);
                }

                foreach (var key in keys)
                {
                    Add(kind, name, key, source["optional"], path);
                }
            }
        }

        return references;
    }

    /// <summary>A reference that will keep the pods from starting: the object is neither rendered nor live, or lacks the key.
    /// Null when it is there, or optional. A missing image pull secret is a warning: the kubelet pulls without it.</summary>
    /// <param name="reference">What the pod template refers to.</param>
    /// <param name="rendered">True when the chart itself renders that object.</param>
    /// <param name="live">The object in the cluster; null when there is none.</param>
    /// <param name="renderedKeys">The keys of the rendered object, when the chart renders it.</param>
    public static Finding? Missing(PodReference reference, bool rendered, JsonObject? live, IReadOnlySet<string>? renderedKeys)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Optional)
        {
            return null;
        }

        var owner = reference.Owner.Display;
        var kind = reference.Kind.ToLowerInvariant();
        if (!rendered && live is null)
        {
            if (reference.PullSecret)
            {
                return new Finding(
                    FindingSeverity.Warning, Checks.MissingReference, reference.Owner,
                    $"image pull secret \"{reference.Name}\" of {owner} is neither in the chart nor in namespace {reference.Namespace}: the kubelet pulls without it, so a private image will fail to pull",
                    $"create the Secret (`kubectl create secret docker-registry {reference.Name} -n {reference.Namespace} ...`) or remove it from imagePullSecrets");
            }

            return new Finding(
                FindingSeverity.Blocking, Checks.MissingReference, reference.Owner,
                $"the pods of {owner} would sit in CreateContainerConfigError: {kind} \"{reference.Name}\" ({reference.Path}) is neither in the chart nor in namespace {reference.Namespace}",
                $"create the {reference.Kind} before this upgrade, add it to the chart, or mark the reference `optional: true`");
        }

        if (reference.Key is not { } key)
        {
            return null;
        }

        var keys = rendered ? renderedKeys : LiveKeys(live);
        if (keys is null || keys.Contains(key))
        {
            return null;
        }

        return new Finding(
            FindingSeverity.Blocking, Checks.MissingReference, reference.Owner,
            $"the pods of {owner} would sit in CreateContainerConfigError: couldn't find key {key} in {reference.Kind} {reference.Namespace}/{reference.Name} ({reference.Path})",
            $"add the key {key} to the {reference.Kind}, or change the reference");
    }

    /// <summary>The keys of a ConfigMap (<c>data</c> and <c>binaryData</c>) or a Secret (<c>data</c>, <c>stringData</c>): names only.</summary>
    public static IReadOnlySet<string>? LiveKeys(JsonObject? body)
    {
        if (body is null)
        {
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "data", "binaryData", "stringData" })
        {
            if (body[field] is JsonObject map)
            {
                keys.UnionWith(map.Select(p => p.Key));
            }
        }

        return keys;
    }

    /// <summary>The objects whose kind the cluster does not serve in their API version (Helm: "resource mapping not found"),
    /// leaving out kinds a CustomResourceDefinition among <paramref name="definitions"/> brings.</summary>
    /// <param name="objects">The objects to check.</param>
    /// <param name="served">The kinds the cluster serves, by group-version (<c>v1</c>, <c>apps/v1</c>).</param>
    /// <param name="definitions">Objects that may define kinds (the proposed manifest, with its CRDs).</param>
    /// <param name="stored">True for the deployed revision's stored manifest.</param>
    /// <param name="release">The release, for the fix.</param>
    /// <param name="releaseNamespace">Its namespace.</param>
    /// <param name="revision">The deployed revision, for a stored manifest.</param>
    public static IReadOnlyList<Finding> Unserved(
        IEnumerable<ManifestObject> objects, IReadOnlyDictionary<string, IReadOnlySet<string>> served, IEnumerable<ManifestObject> definitions,
        bool stored, string release, string releaseNamespace, int? revision = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(served);
        var defined = new HashSet<(string, string)>();
        foreach (var crd in definitions.Where(d => d.Key.Kind == "CustomResourceDefinition"))
        {
            var group = JsonTree.Text(crd.Body["spec"]?["group"]);
            var kind = JsonTree.Text(crd.Body["spec"]?["names"]?["kind"]);
            foreach (var version in (crd.Body["spec"]?["versions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                defined.Add(($"{group}/{JsonTree.Text(version["name"])}", kind ?? ""));
            }
        }

        var findings = new List<Finding>();
        foreach (var item in objects)
        {
            if (served.TryGetValue(item.ApiVersion, out var kinds) && kinds.Contains(item.Key.Kind) || defined.Contains((item.ApiVersion, item.Key.Kind)))
            {
                continue;
            }

            var group = item.Key.Group;
            var alternatives = served.Where(p => p.Value.Contains(item.Key.Kind) && (p.Key.Contains('/', StringComparison.Ordinal) ? p.Key[..p.Key.IndexOf('/', StringComparison.Ordinal)] : "") == group)
                .Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var servedText = alternatives.Count > 0 ? $"the cluster serves {item.Key.Kind} as {string.Join(", ", alternatives)}" : $"the cluster serves no {item.Key.Kind} in group {(group.Length == 0 ? "core" : group)}";
            findings.Add(stored
                ? new Finding(
                    FindingSeverity.Blocking, Checks.UnservedStoredApi, item.Key,
                    $"helm upgrade will fail (unable to build kubernetes objects from current release manifest): revision {revision} stores {item.Key.Display} as {item.ApiVersion}, which the cluster no longer serves; {servedText}",
                    $"rewrite the stored manifest to served API versions with the helm-mapkubeapis plugin (`helm mapkubeapis {release} --namespace {releaseNamespace}`), then upgrade")
                : new Finding(
                    FindingSeverity.Blocking, Checks.UnservedApi, item.Key,
                    $"helm upgrade will fail: no matches for kind \"{item.Key.Kind}\" in version \"{item.ApiVersion}\"; {servedText}",
                    alternatives.Count > 0 ? $"render it as {alternatives[0]} (check the chart's apiVersion, or its Capabilities test)" : "install the API (its CRD or operator) first, or leave the object out"));
        }

        return findings;
    }

    /// <summary>
    /// The size of the release record helm will store: the release as JSON, gzip-compressed and base64-encoded, which is what
    /// the Secret driver writes (the limit is the Secret's 1 MiB). A warning above 700 KiB, blocking above 1 MiB, naming the
    /// largest templates and files.
    /// </summary>
    /// <param name="releaseJson">The release as <c>helm upgrade --dry-run -o json</c> prints it.</param>
    /// <param name="recordBytes">The record's size, in bytes.</param>
    public static Finding? Size(string releaseJson, out long recordBytes)
    {
        ArgumentNullException.ThrowIfNull(releaseJson);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(releaseJson));
        }

        recordBytes = (buffer.Length + 2) / 3 * 4;
        if (recordBytes <= ReleaseWarningBytes)
        {
            return null;
        }

        var largest = LargestFiles(releaseJson);
        var blocking = recordBytes > ReleaseLimitBytes;
        return new Finding(
            blocking ? FindingSeverity.Blocking : FindingSeverity.Warning, Checks.ReleaseSize, null,
            $"the release record would be {Kib(recordBytes)} (helm stores each revision, gzip-compressed and base64-encoded, in one Secret of at most 1 MiB" +
            (blocking ? "): helm upgrade will fail" : ")") + (largest.Count > 0 ? "; largest: " + string.Join(", ", largest) : ""),
            "move large files out of the chart (.helmignore, or a ConfigMap created outside it), or split the chart");
    }

    /// <summary>The drift of one object of the deployed revision: fields its manifest sets whose live value differs, each a
    /// warning naming the field manager that owns the live value (from <c>managedFields</c>).</summary>
    /// <param name="deployed">The object in the deployed revision's manifest.</param>
    /// <param name="live">The live object.</param>
    /// <param name="revision">The deployed revision.</param>
    public static IReadOnlyList<Finding> Drift(ManifestObject deployed, JsonObject live, int revision)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        ArgumentNullException.ThrowIfNull(live);
        if (deployed.IsHook)
        {
            return [];
        }

        var manifest = (JsonObject)deployed.Body.DeepClone();
        manifest.Remove("status");
        manifest.Remove("apiVersion"); // the live object is read in the version discovery serves, which need not be the chart's
        manifest.Remove("kind");
        if (manifest["metadata"] is JsonObject meta)
        {
            meta.Remove("namespace");
            if (meta["annotations"] is JsonObject annotations)
            {
                annotations.Remove(PlanDiff.LastApplied);
            }
        }

        if (PlanDiff.IsSecret(deployed.Key))
        {
            // A Secret's values are never compared here: a drifted value would have to be shown to be explained.
            manifest.Remove("data");
            manifest.Remove("stringData");
        }

        var findings = new List<Finding>();
        foreach (var change in FieldDiff.Subset(manifest, live))
        {
            var manager = ManagedFields.OwnerOf(live, change.Path);
            var by = manager is null ? "" : $" (changed by {manager})";
            findings.Add(new Finding(
                FindingSeverity.Warning, Checks.Drift, deployed.Key,
                $"live drift: {deployed.Key.Display} has {change.Path} = {Show(change.After)} in the cluster, {Show(change.Before)} in revision {revision}{by}",
                "the upgrade writes the chart's value where the chart sets it: put the live value into the chart's values if it should stay"));
        }

        return findings;
    }

    private static List<string> LargestFiles(string releaseJson)
    {
        try
        {
            var chart = JsonNode.Parse(releaseJson)?["chart"];
            var files = new List<(string Name, long Bytes)>();
            foreach (var list in new[] { "templates", "files" })
            {
                foreach (var file in (chart?[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var data = JsonTree.Text(file["data"]) ?? "";
                    files.Add((JsonTree.Text(file["name"]) ?? "?", data.Length / 4L * 3));
                }
            }

            return [.. files.OrderByDescending(f => f.Bytes).Take(3).Select(f => $"{f.Name} ({Kib(f.Bytes)})")];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private static string Kib(long bytes) => $"{bytes / 1024.0:0} KiB";

    private static string Show(string? value) => value is null ? "(unset)" : TextOf(value);

    private static string TextOf(string value) => value.Length > 120 ? value[..117] + "..." : value;

    private static (JsonNode? Spec, string Path) PodSpec(ManifestObject item) => item.Key switch
    {
        { Kind: "Pod", Group: "" } => (item.Body["spec"], "spec"),
        { Kind: "CronJob" } => (item.Body["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"], "spec.jobTemplate.spec.template.spec"),
        { Kind: "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" or "Job" or "ReplicationController" } => (item.Body["spec"]?["template"]?["spec"], "spec.template.spec"),
        _ => (null, ""),
    };

    private static string Delete(ObjectKey key) => $"kubectl delete {key.Kind.ToLowerInvariant()} {key.Name}" + (key.Namespace.Length > 0 ? $" -n {key.Namespace}" : "");
}
