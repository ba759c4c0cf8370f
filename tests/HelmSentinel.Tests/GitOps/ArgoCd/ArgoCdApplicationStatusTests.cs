using System.Text.Json.Nodes;
using HelmSentinel.GitOps;
using HelmSentinel.GitOps.ArgoCd;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.GitOps.ArgoCd;

public sealed class ArgoCdApplicationStatusTests
{
    private const string Old = "4f1d2c3b5a6978877665544332211aabbccddeef";
    private const string New = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
    private const string Other = "9e8d7c6b5a4938271605f4e3d2c1b0a998877665";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 5, 0, TimeSpan.Zero);

    private static readonly ArgoCdApp V1 = ArgoCdApp.Deployed("shop", Old);

    private const string ImmutableSelector =
        "one or more objects failed to apply, reason: Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "
        + "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}}: field is immutable";

    public static TheoryData<string, ArgoCdApp, string, bool, AppHealth, string, string?> Readings => new()
    {
        // The known false pass: nothing happened yet, the app is Synced and Healthy at the old commit.
        { "Synced and Healthy at the old revision", V1, New, false, AppHealth.Healthy, "Synced to 4f1d2c3, operation Succeeded", null },
        { "refreshed: compared to the new revision, the old operation stays", V1.OutOfSyncAt(New), New, false, AppHealth.Healthy,
            "OutOfSync, operation Succeeded (sync to 4f1d2c3)", null },
        { "a sync to the new revision running", V1.SyncingTo(New).WithHealth("Progressing"), New, false, AppHealth.Progressing,
            "OutOfSync, operation Running (sync to 1a2b3c4)", null },
        // The second false pass: the sync revision and even the sync result already name the new commit, but the operation runs.
        { "Synced at the new revision while its operation still runs", V1.SyncingTo(New) with { SyncStatus = "Synced" }, New, false,
            AppHealth.Healthy, "Synced to 1a2b3c4, operation Running", null },
        { "the sync revision moved, the succeeded operation is the old one's", V1.OutOfSyncAt(New) with { SyncStatus = "Synced" }, New, false,
            AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded (sync to 4f1d2c3)", null },
        { "synced to the new revision", V1.SyncedTo(New), New, true, AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded", null },
        { "synced to it, still progressing", V1.SyncedTo(New).WithHealth("Progressing"), New, true, AppHealth.Progressing,
            "Synced to 1a2b3c4, operation Succeeded", null },
        { "synced to it, then Degraded", V1.SyncedTo(New).DegradedDeployment(), New, true, AppHealth.Degraded,
            "Synced to 1a2b3c4, operation Succeeded",
            "health Degraded: Deployment/shop/web: Deployment \"web\" exceeded its progress deadline" },
        { "the sync to it failed", V1.SyncFailed(New, ImmutableSelector), New, false, AppHealth.Healthy,
            "OutOfSync, operation Failed (sync to 1a2b3c4)", "operation Failed: " + ImmutableSelector },
        { "the sync to it ended in Error", V1.SyncFailed(New, "ComparisonError: rpc error: code = Unknown desc = helm template failed", "Error"),
            New, false, AppHealth.Healthy, "OutOfSync, operation Error (sync to 1a2b3c4)",
            "operation Error: ComparisonError: rpc error: code = Unknown desc = helm template failed" },
        { "a failed operation of another revision is not this one's", V1.SyncFailed(Other, "boom"), New, false, AppHealth.Healthy,
            "OutOfSync, operation Failed (sync to 9e8d7c6)", null },
        { "Degraded before it compares to the new revision is the old one's", V1.DegradedDeployment(), New, false, AppHealth.Degraded,
            "Synced to 4f1d2c3, operation Succeeded", null },
        { "the revision given abbreviated", V1.SyncedTo(New), "1a2b3c4", true, AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded", null },
        { "the revision given in capitals", V1.SyncedTo(New), New.ToUpperInvariant(), true, AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded", null },
        { "too short to be a revision", V1.SyncedTo(New), "1a2", false, AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded", null },
        { "an abbreviation of another commit", V1.SyncedTo(New), "1a2b3c5", false, AppHealth.Healthy, "Synced to 1a2b3c4, operation Succeeded", null },
        { "a new application, not reconciled yet", new ArgoCdApp("shop"), New, false, AppHealth.Unknown, "Unknown, no operation", null },
        { "multi-source, one source at the revision", V1.SyncedTo(New).WithSources(Other, New), New, true, AppHealth.Healthy,
            "Synced to 1a2b3c4 (multi-source: source 2 of 2 at the revision), operation Succeeded", null },
        { "multi-source, no source at the revision", V1.SyncedTo(New).WithSources(Other, Old), New, false, AppHealth.Healthy,
            "Synced to 9e8d7c6 (multi-source: none of 2 sources at the revision), operation Succeeded", null },
    };

    [Theory]
    [MemberData(nameof(Readings))]
    public void Read_TellsWhetherTheApplicationIsAtTheRevision(
        string story, ArgoCdApp app, string wanted, bool atRevision, AppHealth health, string sync, string? failure)
    {
        var reading = ArgoCdApplicationStatus.Read(app.Build(), wanted, At);

        reading.AtRevision.Should().Be(atRevision, story);
        reading.Health.Should().Be(health, story);
        reading.Sync.Should().Be(sync, story);
        reading.Failure.Should().Be(failure, story);
        reading.At.Should().Be(At);
    }

    [Fact]
    public void Read_TakesTheResourcesHistoryAndSyncPolicy()
    {
        var app = V1.SyncedTo(New).DegradedDeployment().WithAutomatedSync();

        var reading = ArgoCdApplicationStatus.Read(app.Build(), New, At);

        reading.Revision.Should().Be(New);
        reading.AutomatedSync.Should().BeTrue();
        reading.Resources.Should().BeEquivalentTo(
        [
            new AppResource("Service", "shop", "web", AppHealth.Healthy) { Group = "", SyncStatus = "Synced" },
            new AppResource("Deployment", "shop", "web", AppHealth.Degraded, "Deployment \"web\" exceeded its progress deadline") { Group = "apps", SyncStatus = "Synced" },
        ]);
        reading.History.Should().Equal(
            new AppHistoryEntry(0, Old, ArgoCdApp.Epoch),
            new AppHistoryEntry(1, New, ArgoCdApp.Epoch.AddMinutes(1)));
    }

    [Fact]
    public void Read_WithoutResourceHealthInTheCr_ReportsUnknown_AndTheTreeFillsItIn()
    {
        // Since Argo CD 3.0 the CR keeps no per-resource health; the tree has it, and the crash-looping Pod below the Deployment.
        var app = V1.SyncedTo(New).DegradedDeployment().WithCrashLoopingPod().WithoutResourceHealthInStatus();
        var tree = ArgoCdApplicationStatus.TreeNodes(app.Tree());

        var fromCr = ArgoCdApplicationStatus.Read(app.Build(), New, At);
        var withTree = ArgoCdApplicationStatus.Read(app.Build(), New, At, tree);

        fromCr.Resources.Select(r => r.Health).Should().AllBeEquivalentTo(AppHealth.Unknown);
        fromCr.Failure.Should().Be("health Degraded");
        withTree.Resources.Select(r => $"{r} {r.Health}").Should().Equal(
            "Service/shop/web Healthy",
            "Deployment/shop/web Degraded",
            "ReplicaSet/shop/web-5d9c7b6f4 Progressing",
            "Pod/shop/web-5d9c7b6f4-x2x7k Degraded");
        withTree.Failure.Should().Be(
            "health Degraded: Deployment/shop/web: Deployment \"web\" exceeded its progress deadline; "
            + "Pod/shop/web-5d9c7b6f4-x2x7k: back-off 5m0s restarting failed container=web pod=web-5d9c7b6f4-x2x7k_shop");
    }

    [Fact]
    public void Read_AnApplicationAsTheRestApiAnswers()
    {
        // Written by hand in the v3.5 shape (types.go), not by the tests' builder.
        var json = JsonNode.Parse($$"""
            {
              "metadata": { "name": "guestbook", "namespace": "argocd" },
              "spec": {
                "source": { "repoURL": "https://github.com/argoproj/argocd-example-apps", "path": "guestbook", "targetRevision": "HEAD" },
                "destination": { "server": "https://kubernetes.default.svc", "namespace": "default" },
                "project": "default",
                "syncPolicy": {}
              },
              "status": {
                "resources": [
                  { "version": "v1", "kind": "Service", "namespace": "default", "name": "guestbook-ui", "status": "Synced", "health": { "status": "Healthy" } },
                  { "group": "apps", "version": "v1", "kind": "Deployment", "namespace": "default", "name": "guestbook-ui", "status": "Synced",
                    "health": { "status": "Progressing", "message": "Waiting for rollout to finish: 1 old replicas are pending termination..." } }
                ],
                "sync": { "status": "Synced", "comparedTo": { "source": {}, "destination": {} }, "revision": "{{New}}" },
                "health": { "status": "Progressing", "lastTransitionTime": "2026-11-24T12:04:10Z" },
                "history": [
                  { "revision": "{{Old}}", "deployedAt": "2026-11-20T08:00:00Z", "id": 4, "deployStartedAt": "2026-11-20T07:59:58Z", "source": {} },
                  { "revision": "{{New}}", "deployedAt": "2026-11-24T12:04:09Z", "id": 5, "deployStartedAt": "2026-11-24T12:04:01Z", "source": {} }
                ],
                "reconciledAt": "2026-11-24T12:04:10Z",
                "operationState": {
                  "operation": { "sync": { "revision": "{{New}}", "syncStrategy": { "hook": {} } }, "initiatedBy": { "username": "admin" }, "retry": {} },
                  "phase": "Succeeded",
                  "message": "successfully synced (all tasks run)",
                  "syncResult": { "resources": [], "revision": "{{New}}", "source": {} },
                  "startedAt": "2026-11-24T12:04:01Z",
                  "finishedAt": "2026-11-24T12:04:09Z"
                },
                "sourceType": "Directory",
                "summary": { "images": [ "gcr.io/heptio-images/ks-guestbook-demo:0.2" ] },
                "controllerNamespace": "argocd"
              }
            }
            """)!.AsObject();

        var reading = ArgoCdApplicationStatus.Read(json, New[..12], At);

        reading.AtRevision.Should().BeTrue();
        reading.Health.Should().Be(AppHealth.Progressing);
        reading.Failure.Should().BeNull();
        reading.AutomatedSync.Should().BeFalse();
        reading.Resources.Should().HaveCount(2);
        reading.Resources[0].Namespace.Should().Be("default");
        reading.Resources[0].Group.Should().BeEmpty();
        reading.Resources[1].Message.Should().StartWith("Waiting for rollout to finish");
        reading.History.Select(h => h.Id).Should().Equal(4, 5);
        reading.History[^1].DeployedAt.Should().Be(new DateTimeOffset(2026, 11, 24, 12, 4, 9, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", true)]
    [InlineData("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", "1a2b", true)]
    [InlineData("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", "1a2", false)]
    [InlineData("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", "1A2B3C4", true)]
    [InlineData("1a2b3c4", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", false)]
    [InlineData("6.5.3", "6.5.3", true)]
    [InlineData("6.5.3", "6.5", false)]
    [InlineData("v1.2.0", "V1.2.0", false)]
    [InlineData(null, "1a2b3c4", false)]
    [InlineData("", "1a2b3c4", false)]
    public void Matches_ASha_ByPrefix_AnythingElse_Exactly(string? actual, string wanted, bool matches)
    {
        ArgoCdApplicationStatus.Matches(actual, wanted).Should().Be(matches);
    }
}
