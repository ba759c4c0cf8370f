using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Text;

namespace HelmSentinel.GitOps.ArgoCd;

/// <summary>
/// Reads an Argo CD Application (<c>argoproj.io/v1alpha1</c>, as the REST API and the Kubernetes API both return it)
/// into an <see cref="AppObservation"/> for a wanted revision. Pure: no HTTP, no clock of its own.
/// </summary>
/// <remarks>
/// The rule for <see cref="AppObservation.AtRevision"/>: <c>status.sync.revision</c> (what Argo CD compared the cluster
/// to) and <c>status.operationState.syncResult.revision</c> (what the last sync applied) are both the wanted revision,
/// and <c>status.operationState.phase</c> is <c>Succeeded</c>. Either alone passes falsely: an application still Synced
/// and Healthy at the old commit has the old sync revision; one whose sync revision already moved has an operation that
/// may still be <c>Running</c> or may have failed. A multi-source application (<c>status.sync.revisions[]</c>, one per
/// source) matches when any of its sources' revisions is the wanted one, in both lists; its sync line then says which
/// source matched. A revision given abbreviated (hex, at least 4 characters) matches as a prefix of the full SHA; any
/// other revision (a tag, a chart version) must be equal. <see cref="AppObservation.Failure"/> is the operation's
/// <c>Failed</c>/<c>Error</c> when that operation was syncing to the wanted revision, or health <c>Degraded</c> once the
/// sync revision is the wanted one (before that, the degradation is the old revision's).
/// </remarks>
public static class ArgoCdApplicationStatus
{
    /// <summary>The reading of <paramref name="application"/> for <paramref name="revision"/>.</summary>
    /// <param name="application">The Application object (<c>metadata</c>, <c>spec</c>, <c>status</c>).</param>
    /// <param name="revision">The wanted revision: a full or abbreviated commit SHA (or a tag / chart version, matched exactly).</param>
    /// <param name="at">When it was read.</param>
    /// <param name="tree">The nodes of the application's resource tree with their health (REST
    /// <c>GET …/resource-tree</c>), when read: they fill in the health and messages the Application leaves out (since
    /// Argo CD 3.0 the CR holds no per-resource health), and unhealthy child nodes (a crash-looping Pod) are added.</param>
    public static AppObservation Read(JsonObject application, string revision, DateTimeOffset at, IReadOnlyList<AppResource>? tree = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        var wanted = revision.Trim();
        var status = application["status"] as JsonObject;
        var sync = status?["sync"] as JsonObject;
        var operation = status?["operationState"] as JsonObject;
        var syncResult = operation?["syncResult"] as JsonObject;
        var operationSync = operation?["operation"]?["sync"] as JsonObject;

        var syncStatus = Text(sync?["status"]) ?? "Unknown";
        var phase = Text(operation?["phase"]);
        var syncRevisions = Revisions(sync);
        var resultRevisions = Revisions(syncResult);
        var multiSource = sync?["revisions"] is JsonArray { Count: > 0 };

        var syncMatch = syncRevisions.FindIndex(r => Matches(r, wanted));
        var resultMatch = resultRevisions.FindIndex(r => Matches(r, wanted));

        // What the operation was syncing to: its request, else what it applied.
        var operationRevisions = Revisions(operationSync);
        if (operationRevisions.Count == 0)
        {
            operationRevisions = resultRevisions;
        }

        var operationForWanted = operationRevisions.Exists(r => Matches(r, wanted));
        var atRevision = syncMatch >= 0 && resultMatch >= 0 && phase == "Succeeded";

        var health = AppHealths.Parse(Text(status?["health"]?["status"]));
        var resources = Merge(Resources(status), tree);

        string? failure = null;
        if (operationForWanted && phase is "Failed" or "Error")
        {
            var message = Text(operation?["message"]);
            failure = $"operation {phase}" + (message is null ? "" : ": " + TextFormat.OneLine(message));
        }
        else if (health == AppHealth.Degraded && syncMatch >= 0)
        {
            // Degraded counts only once Argo CD compares the cluster to the wanted revision: before that it is the old one's.
            failure = "health Degraded" + Degraded(resources);
        }

        var revisionNow = multiSource
            ? syncMatch >= 0 ? syncRevisions[syncMatch] : syncRevisions.FirstOrDefault()
            : syncRevisions.FirstOrDefault();

        return new AppObservation
        {
            At = at,
            Revision = revisionNow,
            AtRevision = atRevision,
            Health = health,
            Sync = SyncLine(syncStatus, revisionNow, syncRevisions, phase, operationRevisions, wanted, multiSource ? (syncMatch, syncRevisions.Count) : null),
            Failure = failure,
            Resources = resources,
            History = History(status),
            AutomatedSync = Automated(application),
        };
    }

    /// <summary>True when <paramref name="actual"/> (as Argo CD reports it) is the <paramref name="wanted"/> revision: equal
    /// (case-insensitive for a SHA), or, for an abbreviated hex SHA of 4 or more characters, its prefix.</summary>
    public static bool Matches(string? actual, string wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (string.IsNullOrEmpty(actual) || wanted.Length == 0)
        {
            return false;
        }

        if (IsHex(wanted) && IsHex(actual))
        {
            return wanted.Length >= 4 && actual.StartsWith(wanted, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(actual, wanted, StringComparison.Ordinal);
    }

    /// <summary>A revision as the sync line shows it: a commit SHA cut to 7 characters, anything else as it is.</summary>
    public static string Short(string revision) => GitOpsWatch.Short(revision);

    /// <summary>The nodes of a resource tree (<c>{"nodes":[…]}</c>) as resources with their health and messages.</summary>
    /// <param name="tree">The body of <c>GET /api/v1/applications/{name}/resource-tree</c>.</param>
    public static IReadOnlyList<AppResource> TreeNodes(JsonObject tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return [.. (tree["nodes"] as JsonArray ?? []).OfType<JsonObject>().Select(Resource)];
    }

    private static string SyncLine(
        string syncStatus, string? revision, List<string> syncRevisions, string? phase, List<string> operationRevisions, string wanted, (int Match, int Count)? sources)
    {
        var line = syncStatus == "Synced" && revision is not null ? $"Synced to {Short(revision)}" : syncStatus;
        if (sources is { } s)
        {
            line += s.Match >= 0
                ? $" (multi-source: source {(s.Match + 1).ToString(CultureInfo.InvariantCulture)} of {s.Count.ToString(CultureInfo.InvariantCulture)} at the revision)"
                : $" (multi-source: none of {s.Count.ToString(CultureInfo.InvariantCulture)} sources at the revision)";
        }

        if (phase is null)
        {
            return line + ", no operation";
        }

        line += ", operation " + phase;
        var target = operationRevisions.FirstOrDefault(r => Matches(r, wanted)) ?? operationRevisions.FirstOrDefault(r => r.Length > 0);
        if (target is not null && (syncStatus != "Synced" || !operationRevisions.SequenceEqual(syncRevisions, StringComparer.OrdinalIgnoreCase)))
        {
            line += $" (sync to {Short(target)})";
        }

        return line;
    }

    private static string Degraded(IReadOnlyList<AppResource> resources)
    {
        var degraded = resources.Where(r => r.Health == AppHealth.Degraded).ToList();
        return degraded.Count == 0
            ? ""
            : ": " + string.Join("; ", degraded.Select(r => r.Message is null ? r.ToString() : $"{r}: {TextFormat.OneLine(r.Message)}"));
    }

    private static List<AppResource> Resources(JsonObject? status) =>
        [.. (status?["resources"] as JsonArray ?? []).OfType<JsonObject>().Select(Resource)];

    private static AppResource Resource(JsonObject node)
    {
        var ns = Text(node["namespace"]);
        return new AppResource(
            Text(node["kind"]) ?? "",
            string.IsNullOrEmpty(ns) ? null : ns,
            Text(node["name"]) ?? "",
            AppHealths.Parse(Text(node["health"]?["status"])),
            Text(node["health"]?["message"]) is { Length: > 0 } message ? message : null)
        {
            Group = Text(node["group"]) ?? "",
            SyncStatus = Text(node["status"]),
        };
    }

    private static IReadOnlyList<AppResource> Merge(List<AppResource> resources, IReadOnlyList<AppResource>? tree)
    {
        if (tree is null || tree.Count == 0)
        {
            return resources;
        }

        static (string, string, string?, string) Key(AppResource r) => (r.Group, r.Kind, r.Namespace, r.Name);
        var nodes = tree.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var merged = resources.Select(r => nodes.TryGetValue(Key(r), out var node)
            ? r with { Health = r.Health == AppHealth.Unknown ? node.Health : r.Health, Message = r.Message ?? node.Message }
            : r).ToList();
        var known = merged.Select(Key).ToHashSet();
        merged.AddRange(tree.Where(n => !known.Contains(Key(n)) && n.Health is not (AppHealth.Healthy or AppHealth.Unknown)));
        return merged;
    }

    private static IReadOnlyList<AppHistoryEntry> History(JsonObject? status) =>
        [.. (status?["history"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(h => new AppHistoryEntry(
                Long(h["id"]) ?? 0,
                Text(h["revision"]) is { Length: > 0 } revision ? revision : string.Join(",", Revisions(h)),
                Time(h["deployedAt"])))
            .OrderBy(h => h.Id)];

    // Argo CD refuses a rollback whenever the automated block is there (Rollback checks SyncPolicy.Automated != nil),
    // whatever it holds.
    private static bool Automated(JsonObject application) => application["spec"]?["syncPolicy"]?["automated"] is JsonObject;

    private static List<string> Revisions(JsonObject? holder)
    {
        if (holder?["revisions"] is JsonArray { Count: > 0 } many)
        {
            return [.. many.Select(Text).Select(r => r ?? "")];
        }

        return Text(holder?["revision"]) is { Length: > 0 } one ? [one] : [];
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static long? Long(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
        // int64 fields may come as strings from grpc-gateway's JSON.
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && long.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static bool IsHex(string text) => text.Length > 0 && text.All(char.IsAsciiHexDigit);
}
