using System.Globalization;
using System.Text.Json.Nodes;

namespace HelmSentinel.GitOps.Kube;

/// <summary>
/// Reads a Flux Kustomization and its HelmReleases, as the Kubernetes API gives them, into an <see cref="AppObservation"/>
/// (facts §G): the Git SHA is on the Kustomization, the Helm outcome on each HelmRelease. Pure.
/// </summary>
public static class FluxReading
{
    private const string HelmGroup = "helm.toolkit.fluxcd.io";

    /// <summary>
    /// One reading. At the revision when the Kustomization applied the wanted commit (<c>lastAppliedRevision</c>), or
    /// attempted it and its reconciliation of its current generation ended <c>Ready=False</c> (a failed health check never
    /// advances <c>lastAppliedRevision</c>), and every HelmRelease reconciled its current generation
    /// (<c>lastAttemptedGeneration</c> and its Ready condition's <c>observedGeneration</c> equal <c>metadata.generation</c>).
    /// </summary>
    /// <param name="kustomization">The Kustomization.</param>
    /// <param name="helmReleases">The HelmReleases watched with it (may be none).</param>
    /// <param name="wantedRevision">The wanted commit: a full or abbreviated (at least 7) hex SHA.</param>
    /// <param name="at">When it was read.</param>
    public static AppObservation Read(JsonObject kustomization, IReadOnlyList<JsonObject> helmReleases, string wantedRevision, DateTimeOffset at)
    {
        var attempted = Text(kustomization, "status", "lastAttemptedRevision");
        var applied = Text(kustomization, "status", "lastAppliedRevision");
        var ready = Condition(kustomization, "Ready");
        var attemptFailed = NamesRevision(attempted, wantedRevision) && ready is { Status: "False" } && ready.ObservedGeneration == Generation(kustomization);
        var kustomizationAt = NamesRevision(applied, wantedRevision) || attemptFailed;
        var releasesAt = helmReleases.All(Reconciled);
        var atRevision = kustomizationAt && releasesAt;

        var objects = new List<(string What, JsonObject Obj)> { ($"Kustomization {Id(kustomization)}", kustomization) };
        objects.AddRange(helmReleases.Select(h => ($"HelmRelease {Id(h)}", h)));
        var healths = objects.Select(o => (o.What, Health: Health(o.Obj), Failure: FailureOf(o.Obj))).ToList();
        var health = healths.Max(h => h.Health);
        var failure = atRevision ? healths.Where(h => h.Failure is not null).Select(h => $"{h.What}: {h.Failure}").FirstOrDefault() : null;

        return new AppObservation
        {
            At = at,
            Revision = Sha(attempted ?? applied),
            AtRevision = atRevision,
            Health = health,
            Sync = SyncLine(kustomization, attempted ?? applied, helmReleases),
            Failure = failure,
            Resources = Resources(kustomization, helmReleases),
            History = History(kustomization, helmReleases),
            AutomatedSync = kustomization["spec"]?["suspend"]?.GetValueKind() != System.Text.Json.JsonValueKind.True,
        };
    }

    /// <summary>Whether a Flux revision (<c>main@sha1:&lt;40 hex&gt;</c>; older <c>main/&lt;sha&gt;</c>) names the wanted
    /// commit: its SHA equals <paramref name="wanted"/> or starts with it (an abbreviation of at least 7 hex digits).</summary>
    /// <param name="revision">The revision Flux reports; null when none.</param>
    /// <param name="wanted">The wanted SHA.</param>
    public static bool NamesRevision(string? revision, string wanted) =>
        Sha(revision) is { } sha && IsSha(wanted) && sha.StartsWith(wanted, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="text"/> is a SHA the GitOps mode accepts: 7 to 40 hex digits (shorter ones are
    /// too easily ambiguous).</summary>
    /// <param name="text">The user's revision.</param>
    public static bool IsSha(string text) => text.Length is >= 7 and <= 40 && text.All(Uri.IsHexDigit);

    /// <summary>The SHA of a Flux revision: after <c>sha1:</c> (or <c>sha256:</c>), else after the last <c>/</c>; null for none.</summary>
    /// <param name="revision">E.g. <c>main@sha1:132f4e71…</c>.</param>
    public static string? Sha(string? revision)
    {
        if (string.IsNullOrEmpty(revision))
        {
            return null;
        }

        var colon = revision.LastIndexOf(':');
        if (colon >= 0)
        {
            return revision[(colon + 1)..];
        }

        var slash = revision.LastIndexOf('/');
        return slash >= 0 ? revision[(slash + 1)..] : revision;
    }

    /// <summary>Whether a HelmRelease reconciled its current generation: <c>status.lastAttemptedGeneration</c> and its
    /// Ready condition's <c>observedGeneration</c> equal <c>metadata.generation</c>.</summary>
    /// <param name="helmRelease">The HelmRelease.</param>
    public static bool Reconciled(JsonObject helmRelease)
    {
        var generation = Generation(helmRelease);
        return Number(helmRelease["status"]?["lastAttemptedGeneration"]) == generation && Condition(helmRelease, "Ready")?.ObservedGeneration == generation;
    }

    /// <summary>
    /// The health of a Kustomization or HelmRelease from its conditions: Degraded when <c>Stalled=True</c>,
    /// <c>Remediated=True</c>, or <c>Ready=False</c> (but for <c>DependencyNotReady</c>, which waits); Progressing while
    /// <c>Reconciling=True</c>, <c>Ready=Unknown</c>, without a Ready condition, or with one of an older generation;
    /// else Healthy.
    /// </summary>
    /// <param name="obj">The object.</param>
    public static AppHealth Health(JsonObject obj)
    {
        if (FailureOf(obj) is not null)
        {
            return AppHealth.Degraded;
        }

        var ready = Condition(obj, "Ready");
        if (ready is null || ready.Status != "True" || Condition(obj, "Reconciling") is { Status: "True" } || ready.ObservedGeneration is { } seen && seen < Generation(obj))
        {
            return AppHealth.Progressing;
        }

        return AppHealth.Healthy;
    }

    /// <summary>What failed, in Flux's words (<c>Ready=False UpgradeFailed: message</c>, <c>Remediated=True
    /// RollbackSucceeded: message</c>, <c>Stalled=True RetriesExceeded: message</c>); null when nothing did.</summary>
    /// <param name="obj">The Kustomization or HelmRelease.</param>
    public static string? FailureOf(JsonObject obj)
    {
        var ready = Condition(obj, "Ready");
        if (ready is { Status: "False" } && ready.Reason != "DependencyNotReady")
        {
            return ready.Describe();
        }

        foreach (var type in new[] { "Remediated", "Stalled" })
        {
            if (Condition(obj, type) is { Status: "True" } condition)
            {
                return condition.Describe();
            }
        }

        return null;
    }

    private static string SyncLine(JsonObject kustomization, string? revision, IReadOnlyList<JsonObject> helmReleases)
    {
        var parts = new List<string> { Short($"Kustomization {Id(kustomization)}", kustomization) + (revision is null ? string.Empty : " at " + Abbreviated(revision)) };
        parts.AddRange(helmReleases.Select(h => Short($"HelmRelease {Id(h)}", h)));
        return string.Join("; ", parts);
    }

    private static string Short(string what, JsonObject obj) =>
        Condition(obj, "Ready") is { } ready ? $"{what} Ready={ready.Status} {ready.Reason}".TrimEnd() : $"{what} not reconciled yet";

    private static string Abbreviated(string revision) =>
        Sha(revision) is { Length: > 7 } sha ? revision[..^sha.Length] + sha[..7] : revision;

    private static List<AppResource> Resources(JsonObject kustomization, IReadOnlyList<JsonObject> helmReleases)
    {
        var resources = helmReleases
            .Select(h => new AppResource("HelmRelease", Text(h, "metadata", "namespace"), Text(h, "metadata", "name") ?? string.Empty, Health(h), FailureOf(h)) { Group = HelmGroup })
            .ToList();
        var entries = kustomization["status"]?["inventory"]?["entries"] as JsonArray ?? [];
        foreach (var id in entries.Select(e => e?["id"]?.GetValue<string>()).OfType<string>())
        {
            var parts = id.Split('_');
            if (parts.Length != 4)
            {
                continue;
            }

            var (ns, name, group, kind) = (parts[0].Length == 0 ? null : parts[0], parts[1], parts[2], parts[3]);
            if (resources.Any(r => r.Kind == kind && r.Group == group && r.Namespace == ns && r.Name == name))
            {
                continue; // a watched HelmRelease, with its health
            }

            resources.Add(new AppResource(kind, ns, name, AppHealth.Unknown) { Group = group });
        }

        return resources;
    }

    private static List<AppHistoryEntry> History(JsonObject kustomization, IReadOnlyList<JsonObject> helmReleases)
    {
        // Flux keeps history most recent first; the observation has it newest last.
        var releases = helmReleases
            .SelectMany(h => (h["status"]?["history"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(s => new AppHistoryEntry(Number(s["version"]) ?? 0, Text(s, "chartVersion") ?? string.Empty, Time(Text(s, "lastDeployed")), Text(s, "status")))
            .Reverse()
            .ToList();
        if (releases.Count > 0)
        {
            return helmReleases.Count == 1 ? releases : [.. releases.OrderBy(r => r.DeployedAt)];
        }

        var reconciled = (kustomization["status"]?["history"] as JsonArray ?? []).OfType<JsonObject>().Reverse().ToList();
        return reconciled
            .Select((h, i) => new AppHistoryEntry(i + 1, Text(h["metadata"], "revision") ?? string.Empty, Time(Text(h, "lastReconciled")), Text(h, "lastReconciledStatus")))
            .ToList();
    }

    private static string Id(JsonObject obj) => $"{Text(obj, "metadata", "namespace")}/{Text(obj, "metadata", "name")}";

    private static long? Generation(JsonObject obj) => Number(obj["metadata"]?["generation"]);

    private static FluxCondition? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => Text(c, "type") == type)
            .Select(c => new FluxCondition(type, Text(c, "status") ?? "Unknown", Text(c, "reason") ?? string.Empty, Text(c, "message"), Number(c["observedGeneration"])))
            .FirstOrDefault();

    private static string? Text(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject o ? o[key] : null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static long? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private sealed record FluxCondition(string Type, string Status, string Reason, string? Message, long? ObservedGeneration)
    {
        public string Describe() => $"{Type}={Status} {Reason}" + (string.IsNullOrEmpty(Message) ? string.Empty : ": " + Message);
    }
}
