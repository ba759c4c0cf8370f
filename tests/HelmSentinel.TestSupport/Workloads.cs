using System.Globalization;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator;
using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.TestSupport;

/// <summary>
/// End states of workloads as the cluster holds them, for the assertions of rollback scenarios: "the old pods serve
/// again" is true whether or not anything was rolled back (with a surge the old pods never stop), so a restore is
/// checked on the Deployment's template and on every pod it still has.
/// </summary>
public static class Workloads
{
    /// <summary>
    /// True when the Deployment's template runs <paramref name="image"/> and every pod of the Deployment that is not being
    /// deleted belongs to its current ReplicaSet (the newest revision: a rollback reuses the old one under a new number)
    /// and is Ready; so no pod of another template, the broken one included, is left.
    /// </summary>
    public static bool DeploymentRuns(KubeSimulator simulator, string @namespace, string name, string image)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var deployment = simulator.Store.Get(ResourceTypes.Deployments, @namespace, name);
        if (deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.GetValue<string>() != image)
        {
            return false;
        }

        var uid = deployment["metadata"]!["uid"]!.GetValue<string>();
        var replicaSets = simulator.Store.List(ResourceTypes.ReplicaSets, @namespace).Where(rs => ControlledBy(rs, uid)).ToList();
        var current = replicaSets.MaxBy(Revision);
        if (current is null)
        {
            return false;
        }

        var currentUid = current["metadata"]!["uid"]!.GetValue<string>();
        var ours = replicaSets.Select(rs => rs["metadata"]!["uid"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var pods = simulator.Store.List(ResourceTypes.Pods, @namespace)
            .Where(p => p["metadata"]?["deletionTimestamp"] is null && ours.Any(o => ControlledBy(p, o)))
            .ToList();
        return pods.Count > 0 && pods.All(p => ControlledBy(p, currentUid) && IsReady(p));
    }

    private static bool ControlledBy(JsonObject item, string uid) =>
        item["metadata"]?["ownerReferences"] is JsonArray owners &&
        owners.Any(o => o?["controller"]?.GetValue<bool>() == true && o["uid"]?.GetValue<string>() == uid);

    private static long Revision(JsonObject replicaSet) =>
        long.TryParse(replicaSet["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]?.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : 0;

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");
}
