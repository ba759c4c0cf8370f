using System.Globalization;
using HelmSentinel.Helm;
using HelmSentinel.Plan;

namespace HelmSentinel.Drift;

/// <summary>What a deploy found of its external configuration before it upgraded: the objects, and the release labels
/// that record their fingerprints on the new revision.</summary>
/// <param name="Objects">Every ConfigMap and Secret the pod templates refer to.</param>
/// <param name="Labels">The <c>--labels</c> for the upgrade (<see cref="FingerprintLabels.For"/>).</param>
/// <param name="Notes">What could not be read (each also an <see cref="ConfigClass.Unreadable"/> object, or the previous labels).</param>
public sealed record ExternalConfigScan(IReadOnlyList<ExternalConfigObject> Objects, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Notes);

/// <summary>
/// The ConfigMaps and Secrets outside a release that its pods read, which a rollback does not revert: collected and
/// fingerprinted at the start of a deploy (recorded on the new revision as release labels), and compared with what a
/// revision recorded when the release rolls back to it. Reads the cluster with the kubeconfig's identity; never writes.
/// The labels are read from the release Secret (<c>sh.helm.release.v1.REL.vN</c>, Helm's default storage): Helm 3 prints
/// them nowhere, and one read serves both majors.
/// </summary>
public static class ExternalConfig
{
    private const int Parallel = 8;

    /// <summary>Classifies and fingerprints what the pod templates of <paramref name="rendered"/> refer to, and makes the
    /// labels for the upgrade (dropping those of the latest revision that no longer apply).</summary>
    /// <param name="target">The release and its cluster.</param>
    /// <param name="rendered">The manifest being deployed (hooks included).</param>
    /// <param name="latestRevision">The release's newest revision, whose labels the upgrade merges with; null on a first install.</param>
    /// <param name="time">The clock of the API retries.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    /// <exception cref="ClusterUnreachableException">The kubeconfig cannot be loaded.</exception>
    public static async Task<ExternalConfigScan> CollectAsync(
        HelmTarget target, IReadOnlyList<ManifestObject> rendered, int? latestRevision, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(rendered);
        var references = PreflightChecks.References(rendered);
        var notes = new List<string>();
        using var cluster = ClusterView.OpenCore(target.Kubeconfig, target.KubeContext, time);
        var inChart = rendered.Select(o => o.Key).ToHashSet();
        var reading = ReadAllAsync(cluster, references.Select(ConfigClassifier.KeyOf).Where(k => !inChart.Contains(k)).Distinct(), cancellationToken);
        IReadOnlyDictionary<string, string> previous = new Dictionary<string, string>();
        if (latestRevision is { } latest)
        {
            var (labels, error) = await ReleaseLabelsAsync(cluster, target, latest, cancellationToken);
            if (error is not null)
            {
                notes.Add($"the labels of revision {latest} could not be read ({error}): fingerprints of objects no longer referenced stay on the new revision");
            }

            previous = labels ?? previous;
        }

        var objects = ConfigClassifier.Classify(references, rendered, await reading, target.Release, target.Namespace);
        notes.AddRange(objects.Where(o => o.Class is ConfigClass.Unreadable).Select(o => $"{o.Display} could not be read ({o.Owner}): it has no fingerprint"));
        return new ExternalConfigScan(objects, FingerprintLabels.For(objects, target.Namespace, previous), notes);
    }

    /// <summary>
    /// Compares the external configuration recorded on <paramref name="revision"/> (its release labels) with the cluster
    /// now: each ConfigMap or Secret its pod templates refer to that is not in the release and whose data, or existence,
    /// is not what it was. For a rollback to that revision (the deploy's own, or <c>helm-sentinel rollback</c>), before or
    /// after it runs: the rollback changes neither the labels of the revision nor these objects.
    /// </summary>
    /// <param name="helm">Reads the revision's manifest and hooks (<c>helm get manifest</c>, <c>helm get hooks</c>).</param>
    /// <param name="target">The release and its cluster (kubeconfig and context).</param>
    /// <param name="revision">The revision rolled back to.</param>
    /// <param name="time">The clock of the API retries; null = the system clock.</param>
    /// <param name="cancellationToken">Stops helm and the reads.</param>
    /// <returns>The changes; a revision deployed without fingerprints gives none and a note saying so.</returns>
    /// <exception cref="HelmCommandException">helm could not read the revision.</exception>
    /// <exception cref="ClusterUnreachableException">The kubeconfig cannot be loaded, or the release Secret cannot be read.</exception>
    public static async Task<ConfigComparison> CompareAsync(
        HelmCli helm, HelmTarget target, int revision, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(helm);
        ArgumentNullException.ThrowIfNull(target);
        var manifest = helm.GetManifestAsync(target, revision, cancellationToken);
        var hooks = helm.GetHooksAsync(target, revision, cancellationToken);
        List<ManifestObject> rendered = [.. Manifest.Parse(await manifest, target.Namespace), .. Manifest.Parse(await hooks, target.Namespace, hooks: true)];
        using var cluster = ClusterView.OpenCore(target.Kubeconfig, target.KubeContext, time ?? TimeProvider.System);
        var (labels, error) = await ReleaseLabelsAsync(cluster, target, revision, cancellationToken);
        if (labels is null)
        {
            throw new ClusterUnreachableException($"the labels of revision {revision} cannot be read: {error}");
        }

        var inChart = rendered.Select(o => o.Key).ToHashSet();
        var recorded = new List<(ObjectKey Key, ConfigFingerprint? Fingerprint)>();
        foreach (var key in PreflightChecks.References(rendered).Select(ConfigClassifier.KeyOf).Where(k => !inChart.Contains(k)).Distinct().Order())
        {
            if (labels.GetValueOrDefault(FingerprintLabels.Key(key.Kind, key.Namespace, key.Name, target.Namespace)) is { } value
                && FingerprintLabels.ParseValue(value) is (true, var fingerprint))
            {
                recorded.Add((key, fingerprint));
            }
        }

        var notes = new List<string>();
        if (recorded.Count == 0)
        {
            notes.Add($"revision {revision} carries no fingerprints of external configuration (deployed without helm-sentinel's, or it refers to none)");
            return new ConfigComparison(revision, [], 0, notes);
        }

        var live = await ReadAllAsync(cluster, recorded.Select(r => r.Key), cancellationToken);
        var changes = new List<ConfigChange>();
        foreach (var (key, then) in recorded)
        {
            var read = live[key];
            if (read.Error is { } unreadable)
            {
                notes.Add($"{key.Kind}/{key.Name} could not be read ({unreadable}): not compared");
                continue;
            }

            var now = read.Body is { } body ? ConfigClassifier.Fingerprint(body) : null;
            ConfigChangeKind? change = (then, now) switch
            {
                (null, null) => null,
                (null, _) => ConfigChangeKind.Created,
                (_, null) => ConfigChangeKind.Deleted,
                _ => then.SameData(now) ? null : ConfigChangeKind.Changed,
            };
            if (change is { } kind)
            {
                changes.Add(new ConfigChange(key.Kind, key.Namespace, key.Name, revision, kind, then, now));
            }
        }

        return new ConfigComparison(revision, changes, recorded.Count, notes);
    }

    /// <summary>The name of the Secret in which Helm's default storage keeps a revision.</summary>
    public static string ReleaseSecretName(string release, int revision) =>
        "sh.helm.release.v1." + release + ".v" + revision.ToString(CultureInfo.InvariantCulture);

    private static async Task<(IReadOnlyDictionary<string, string>? Labels, string? Error)> ReleaseLabelsAsync(
        ClusterView cluster, HelmTarget target, int revision, CancellationToken cancellationToken)
    {
        var name = ReleaseSecretName(target.Release, revision);
        try
        {
            var secret = await cluster.GetAsync(new ObjectKey("", "Secret", target.Namespace, name), "v1", cancellationToken);
            if (secret is null)
            {
                return (null, $"Secret {name} not found (helm's storage driver is not the default secret driver?)");
            }

            var labels = (secret["metadata"]?["labels"] as System.Text.Json.Nodes.JsonObject ?? [])
                .Select(p => (p.Key, Value: JsonTree.Text(p.Value))).Where(p => p.Value is not null)
                .ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
            return (labels, null);
        }
        catch (ClusterUnreachableException e)
        {
            return (null, e.Message);
        }
    }

    private static async Task<Dictionary<ObjectKey, LiveRead>> ReadAllAsync(ClusterView cluster, IEnumerable<ObjectKey> keys, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Parallel);
        var reads = keys.Select(async key =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (Key: key, Read: new LiveRead(await cluster.GetAsync(key, "v1", cancellationToken)));
            }
            catch (ClusterUnreachableException e)
            {
                return (Key: key, Read: new LiveRead(null, e.Message));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return (await Task.WhenAll(reads)).ToDictionary(r => r.Key, r => r.Read);
    }
}
