using System.Collections.Immutable;
using HelmSentinel.Kubernetes;
using k8s;
using k8s.Models;
using static HelmSentinel.Tests.Kubernetes.Snapshots;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>Which stuck pods the forced rollback may delete as the upgrade's own.</summary>
public sealed class ForcedRollbackTests
{
    private const string Good = "db-good";
    private const string Broken = "db-broken";

    [Fact]
    public void APodOfTheRevisionRolledOutBeforeTheUpgrade_IsNeverTheUpgrades_EvenWhenItCountedAsNew()
    {
        // db-0 was created within the clock margin of helm's start, so the watcher took it for one of the upgrade's pods;
        // while the broken template rolls out it is not Ready. Deleting it would only recreate it from the broken template.
        var before = Set(update: Good, current: Good);
        var now = Set(update: Broken, current: Good);
        var good = Pod("db-0", now, HelmStarted.AddSeconds(-1), revisionHash: Good, ready: false);

        Stuck(before, now, [good], seen: [good]).Should().BeEmpty();
    }

    [Fact]
    public void APodOfTheFailedTemplate_IsTheUpgrades_OnceTheTemplateIsRolledBack()
    {
        var before = Set(update: Good, current: Good);
        var now = Set(update: Good, current: Good, generation: 3);
        var broken = Pod("db-1", now, HelmStarted.AddSeconds(5), revisionHash: Broken, ready: false);
        var good = Pod("db-0", now, HelmStarted.AddSeconds(-1), revisionHash: Good, ready: true);

        Stuck(before, now, [good, broken], seen: [good, broken]).Select(p => (p.Pod, p.Revision)).Should().Equal(("db-1", Broken));
    }

    private static IReadOnlyList<StuckPod> Stuck(V1StatefulSet before, V1StatefulSet now, V1Pod[] pods, V1Pod[] seen)
    {
        var snapshot = new RolloutSnapshot
        {
            StatefulSets = new KindSnapshot<V1StatefulSet>(
                [now],
                new Dictionary<string, long>(StringComparer.Ordinal) { [before.Metadata.Uid] = before.Metadata.Generation ?? 0 },
                new Dictionary<string, V1StatefulSet>(StringComparer.Ordinal) { [before.Metadata.Uid] = before }),
            Pods = Later(pods),
            CountFrom = CountFrom,
        };
        var memory = new RolloutMemory(
            seen.ToImmutableDictionary(p => p.Metadata.Uid, p => new Candidate(p, "StatefulSet/db"), StringComparer.Ordinal),
            ImmutableDictionary<string, DateTimeOffset>.Empty);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" }); // never called
        var forced = new ForcedRollback(client, new RolloutEvaluator(Release, Namespace, new FailFastOptions()), Namespace, () => snapshot, () => memory, s => s, TimeProvider.System);
        return forced.Stuck(StuckPodScope.RevisionsOfThisUpgrade);
    }

    private static V1StatefulSet Set(string update, string current, long generation = 2)
    {
        var set = StatefulSet("db", update);
        set.Metadata.Generation = generation;
        set.Status.ObservedGeneration = generation;
        set.Status.CurrentRevision = current;
        return set;
    }
}
