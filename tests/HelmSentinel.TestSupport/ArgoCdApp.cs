using System.Globalization;
using System.Text.Json.Nodes;

namespace HelmSentinel.TestSupport;

/// <summary>One resource of an <see cref="ArgoCdApp"/> (or a child node of its resource tree, such as a Pod).</summary>
/// <param name="Kind">E.g. <c>Deployment</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Health"><c>Healthy</c>, <c>Progressing</c>, <c>Degraded</c>…; null: no health (a ConfigMap).</param>
/// <param name="Message">The health message, e.g. <c>Deployment "web" exceeded its progress deadline</c>.</param>
public sealed record ArgoCdResource(string Kind, string Name, string? Health = "Healthy", string? Message = null)
{
    /// <summary>Its namespace; null for a cluster-scoped resource.</summary>
    public string? Namespace { get; init; } = "shop";

    /// <summary>Its API group: <c>apps</c> for the workload kinds, core otherwise, unless set.</summary>
    public string Group { get; init; } = Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" ? "apps" : "";

    /// <summary>Its API version.</summary>
    public string Version { get; init; } = "v1";

    /// <summary>Its sync status.</summary>
    public string SyncStatus { get; init; } = "Synced";

    /// <summary>For a tree child: the kind and name of its parent (e.g. <c>ReplicaSet</c>, <c>web-5d9c</c>).</summary>
    public (string Kind, string Name)? Parent { get; init; }
}

/// <summary>One entry of an <see cref="ArgoCdApp"/>'s <c>status.history</c>.</summary>
/// <param name="Id">The history id (what a rollback names).</param>
/// <param name="Revision">The commit it deployed.</param>
/// <param name="DeployedAt">When.</param>
public sealed record ArgoCdHistory(long Id, string Revision, DateTimeOffset DeployedAt);

/// <summary>
/// A realistic Argo CD Application (<c>argoproj.io/v1alpha1</c>, v3.5 shapes) for tests, immutable: every step returns a
/// changed copy, so the states of a story are built one from the other:
/// <code>
/// var v1 = ArgoCdApp.Deployed("shop", OldSha);
/// var syncing = v1.SyncingTo(NewSha).WithHealth("Progressing");
/// var done = syncing.SyncedTo(NewSha);
/// </code>
/// <see cref="Build"/> gives the Application JSON, <see cref="Tree"/> its resource tree.
/// </summary>
public sealed record ArgoCdApp
{
    /// <summary>When the first history entry was deployed; each later one a minute after.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 24, 11, 0, 0, TimeSpan.Zero);

    /// <summary>An application with no status yet (just created).</summary>
    public ArgoCdApp(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Its name.</summary>
    public string Name { get; init; }

    /// <summary>Its namespace (Argo CD's own by default).</summary>
    public string Namespace { get; init; } = "argocd";

    /// <summary>Its project.</summary>
    public string Project { get; init; } = "default";

    /// <summary>The Git repository of its source.</summary>
    public string RepoUrl { get; init; } = "https://github.com/acme/gitops.git";

    /// <summary>The path in the repository.</summary>
    public string SourcePath { get; init; } = "apps/shop";

    /// <summary><c>status.sync.status</c>.</summary>
    public string SyncStatus { get; init; } = "Unknown";

    /// <summary><c>status.sync.revision</c>; null: none.</summary>
    public string? SyncRevision { get; init; }

    /// <summary>Multi-source: <c>status.sync.revisions</c> and <c>syncResult.revisions</c> (one per source); null: single source.</summary>
    public IReadOnlyList<string>? SourceRevisions { get; init; }

    /// <summary><c>status.operationState.phase</c>; null: no operation yet.</summary>
    public string? OperationPhase { get; init; }

    /// <summary><c>operationState.operation.sync.revision</c>.</summary>
    public string? OperationRevision { get; init; }

    /// <summary><c>operationState.syncResult.revision</c>; null: no sync result.</summary>
    public string? ResultRevision { get; init; }

    /// <summary><c>operationState.message</c>.</summary>
    public string? OperationMessage { get; init; }

    /// <summary><c>status.health.status</c>.</summary>
    public string Health { get; init; } = "Unknown";

    /// <summary><c>status.resources</c>.</summary>
    public IReadOnlyList<ArgoCdResource> Resources { get; init; } = [];

    /// <summary>Nodes of the resource tree that are not managed resources (ReplicaSets, Pods).</summary>
    public IReadOnlyList<ArgoCdResource> Children { get; init; } = [];

    /// <summary><c>status.history</c>, oldest first.</summary>
    public IReadOnlyList<ArgoCdHistory> History { get; init; } = [];

    /// <summary><c>spec.syncPolicy.automated</c> present.</summary>
    public bool Automated { get; init; }

    /// <summary>False: <c>status.resources[].health</c> is left out, as the CR holds it since Argo CD 3.0 (the REST GET fills it in).</summary>
    public bool ResourceHealthInStatus { get; init; } = true;

    /// <summary>Its Deployment, <c>web</c> in <c>shop</c>, unless given.</summary>
    public static IReadOnlyList<ArgoCdResource> DefaultResources { get; } =
    [
        new("Service", "web", Health: "Healthy"),
        new("Deployment", "web", Health: "Healthy"),
    ];

    /// <summary>An application synced to <paramref name="revision"/> by a succeeded operation, Healthy, with one history entry.</summary>
    public static ArgoCdApp Deployed(string name, string revision) => new ArgoCdApp(name) { Resources = DefaultResources }.SyncedTo(revision);

    /// <summary>Argo CD saw <paramref name="revision"/> and compares to it (OutOfSync); the sync to it is Running.</summary>
    public ArgoCdApp SyncingTo(string revision) => this with
    {
        SyncStatus = "OutOfSync",
        SyncRevision = revision,
        OperationPhase = "Running",
        OperationRevision = revision,
        ResultRevision = revision,
        OperationMessage = "waiting for healthy state of apps/Deployment/web",
    };

    /// <summary>Argo CD saw <paramref name="revision"/> (OutOfSync) but no operation started yet: the last one stays.</summary>
    public ArgoCdApp OutOfSyncAt(string revision) => this with { SyncStatus = "OutOfSync", SyncRevision = revision };

    /// <summary>The sync to <paramref name="revision"/> succeeded: Synced, Healthy, a history entry added.</summary>
    public ArgoCdApp SyncedTo(string revision) => this with
    {
        SyncStatus = "Synced",
        SyncRevision = revision,
        OperationPhase = "Succeeded",
        OperationRevision = revision,
        ResultRevision = revision,
        OperationMessage = "successfully synced (all tasks run)",
        Health = "Healthy",
        History = [.. History, new ArgoCdHistory(NextId, revision, Epoch.AddMinutes(NextId))],
    };

    /// <summary>The sync to <paramref name="revision"/> ended <paramref name="phase"/> (<c>Failed</c> or <c>Error</c>) with
    /// <paramref name="message"/>; still OutOfSync.</summary>
    public ArgoCdApp SyncFailed(string revision, string message, string phase = "Failed") => this with
    {
        SyncStatus = "OutOfSync",
        SyncRevision = revision,
        OperationPhase = phase,
        OperationRevision = revision,
        ResultRevision = revision,
        OperationMessage = message,
    };

    /// <summary>The application's health.</summary>
    public ArgoCdApp WithHealth(string health) => this with { Health = health };

    /// <summary>The health of the resource <paramref name="kind"/>/<paramref name="name"/> (added when missing).</summary>
    public ArgoCdApp WithResourceHealth(string kind, string name, string? health, string? message = null)
    {
        var existing = Resources.FirstOrDefault(r => r.Kind == kind && r.Name == name);
        var changed = (existing ?? new ArgoCdResource(kind, name)) with { Health = health, Message = message };
        return this with { Resources = existing is null ? [.. Resources, changed] : [.. Resources.Select(r => r == existing ? changed : r)] };
    }

    /// <summary>The Deployment <c>web</c> past its progress deadline, and the application Degraded, as Argo CD reports it.</summary>
    public ArgoCdApp DegradedDeployment(string name = "web") =>
        WithResourceHealth("Deployment", name, "Degraded", $"Deployment \"{name}\" exceeded its progress deadline").WithHealth("Degraded");

    /// <summary>A crash-looping Pod of the Deployment <paramref name="deployment"/> in the resource tree.</summary>
    public ArgoCdApp WithCrashLoopingPod(string deployment = "web", string pod = "web-5d9c7b6f4-x2x7k") => this with
    {
        Children =
        [
            .. Children,
            new ArgoCdResource("ReplicaSet", pod[..pod.LastIndexOf('-')], "Progressing") { Group = "apps", Parent = ("Deployment", deployment) },
            new ArgoCdResource("Pod", pod, "Degraded", "back-off 5m0s restarting failed container=web pod=" + pod + "_shop")
            {
                Parent = ("ReplicaSet", pod[..pod.LastIndexOf('-')]),
            },
        ],
    };

    /// <summary>Automated sync on (a rollback is then refused).</summary>
    public ArgoCdApp WithAutomatedSync(bool on = true) => this with { Automated = on };

    /// <summary>Resources without health in <c>status.resources</c> (the CR since Argo CD 3.0).</summary>
    public ArgoCdApp WithoutResourceHealthInStatus() => this with { ResourceHealthInStatus = false };

    /// <summary>A multi-source application whose sources are at <paramref name="revisions"/> (sync and sync result).</summary>
    public ArgoCdApp WithSources(params string[] revisions) => this with { SourceRevisions = revisions };

    private long NextId => History.Count == 0 ? 0 : History.Max(h => h.Id) + 1;

    /// <summary>The Application JSON, as <c>GET /api/v1/applications/{name}</c> and the CR give it.</summary>
    public JsonObject Build()
    {
        var spec = new JsonObject
        {
            ["project"] = Project,
            ["destination"] = new JsonObject { ["server"] = "https://kubernetes.default.svc", ["namespace"] = "shop" },
        };
        if (SourceRevisions is { } sources)
        {
            spec["sources"] = new JsonArray([.. sources.Select((_, i) => (JsonNode)Source(i))]);
        }
        else
        {
            spec["source"] = Source(0);
        }

        var syncPolicy = new JsonObject { ["syncOptions"] = new JsonArray("CreateNamespace=true") };
        if (Automated)
        {
            syncPolicy["automated"] = new JsonObject { ["prune"] = true, ["selfHeal"] = true };
        }

        spec["syncPolicy"] = syncPolicy;

        var sync = new JsonObject { ["status"] = SyncStatus, ["comparedTo"] = new JsonObject { ["source"] = Source(0), ["destination"] = spec["destination"]!.DeepClone() } };
        if (SourceRevisions is { } many)
        {
            sync["revisions"] = Strings(many);
        }
        else if (SyncRevision is not null)
        {
            sync["revision"] = SyncRevision;
        }

        var status = new JsonObject
        {
            ["sync"] = sync,
            ["health"] = new JsonObject { ["status"] = Health, ["lastTransitionTime"] = "2026-11-24T12:00:00Z" },
            ["resources"] = new JsonArray([.. Resources.Select(r => (JsonNode)StatusResource(r))]),
            ["history"] = new JsonArray([.. History.Select(h => (JsonNode)new JsonObject
            {
                ["id"] = h.Id,
                ["revision"] = h.Revision,
                ["deployedAt"] = Time(h.DeployedAt),
                ["deployStartedAt"] = Time(h.DeployedAt.AddSeconds(-20)),
                ["source"] = Source(0),
                ["initiatedBy"] = new JsonObject { ["automated"] = true },
            })]),
            ["reconciledAt"] = "2026-11-24T12:00:00Z",
            ["sourceType"] = "Helm",
            ["summary"] = new JsonObject { ["images"] = Strings(["ghcr.io/acme/web:1.4.2"]) },
            ["controllerNamespace"] = "argocd",
        };
        if (!ResourceHealthInStatus)
        {
            status["resourceHealthSource"] = "appTree";
        }

        if (OperationPhase is not null)
        {
            var operationSync = new JsonObject { ["syncStrategy"] = new JsonObject { ["hook"] = new JsonObject() } };
            if (SourceRevisions is { } revisions)
            {
                operationSync["revisions"] = Strings(revisions);
            }
            else if (OperationRevision is not null)
            {
                operationSync["revision"] = OperationRevision;
            }

            var state = new JsonObject
            {
                ["operation"] = new JsonObject
                {
                    ["sync"] = operationSync,
                    ["initiatedBy"] = new JsonObject { ["automated"] = true },
                    ["retry"] = new JsonObject { ["limit"] = 5 },
                },
                ["phase"] = OperationPhase,
                ["message"] = OperationMessage,
                ["startedAt"] = "2026-11-24T12:00:00Z",
            };
            if (OperationPhase is not ("Running" or "Terminating"))
            {
                state["finishedAt"] = "2026-11-24T12:00:30Z";
            }

            if (ResultRevision is not null || SourceRevisions is not null)
            {
                var result = new JsonObject
                {
                    ["resources"] = new JsonArray([.. Resources.Select(r => (JsonNode)new JsonObject
                    {
                        ["group"] = r.Group,
                        ["version"] = r.Version,
                        ["kind"] = r.Kind,
                        ["namespace"] = r.Namespace,
                        ["name"] = r.Name,
                        ["status"] = OperationPhase == "Failed" ? "SyncFailed" : "Synced",
                        ["message"] = r.Kind == "Service" ? "service/web unchanged" : "deployment.apps/web configured",
                        ["hookPhase"] = OperationPhase,
                        ["syncPhase"] = "Sync",
                    })]),
                    ["source"] = Source(0),
                };
                if (SourceRevisions is { } r)
                {
                    result["revisions"] = Strings(r);
                }
                else
                {
                    result["revision"] = ResultRevision;
                }

                state["syncResult"] = result;
            }

            status["operationState"] = state;
        }

        return new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Application",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["uid"] = "6f1c2b9e-1d2a-4c61-9f0e-5a7d3c2b1e0f",
                ["resourceVersion"] = "12345",
                ["generation"] = 7,
                ["creationTimestamp"] = "2026-11-01T09:00:00Z",
            },
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    /// <summary>The resource tree, as <c>GET …/resource-tree</c> gives it: the managed resources and their children, with health.</summary>
    public JsonObject Tree() => new()
    {
        ["nodes"] = new JsonArray([.. Resources.Concat(Children).Select(r =>
        {
            var node = new JsonObject
            {
                ["group"] = r.Group,
                ["version"] = r.Version,
                ["kind"] = r.Kind,
                ["namespace"] = r.Namespace,
                ["name"] = r.Name,
                ["uid"] = "uid-" + r.Kind.ToLowerInvariant() + "-" + r.Name,
                ["resourceVersion"] = "100",
                ["createdAt"] = "2026-11-24T11:59:00Z",
            };
            if (r.Health is not null)
            {
                node["health"] = r.Message is null
                    ? new JsonObject { ["status"] = r.Health }
                    : new JsonObject { ["status"] = r.Health, ["message"] = r.Message };
            }

            if (r.Parent is { } parent)
            {
                node["parentRefs"] = new JsonArray(new JsonObject
                {
                    ["group"] = parent.Kind is "ReplicaSet" or "Deployment" ? "apps" : "",
                    ["kind"] = parent.Kind,
                    ["namespace"] = r.Namespace,
                    ["name"] = parent.Name,
                });
            }

            return (JsonNode)node;
        })]),
        ["orphanedNodes"] = new JsonArray(),
        ["hosts"] = new JsonArray(),
    };

    private JsonObject StatusResource(ArgoCdResource r)
    {
        var resource = new JsonObject
        {
            ["group"] = r.Group,
            ["version"] = r.Version,
            ["kind"] = r.Kind,
            ["namespace"] = r.Namespace,
            ["name"] = r.Name,
            ["status"] = r.SyncStatus,
        };
        if (ResourceHealthInStatus && r.Health is not null)
        {
            resource["health"] = r.Message is null
                ? new JsonObject { ["status"] = r.Health }
                : new JsonObject { ["status"] = r.Health, ["message"] = r.Message };
        }

        return resource;
    }

    private JsonObject Source(int index) => new()
    {
        ["repoURL"] = RepoUrl,
        ["path"] = index == 0 ? SourcePath : SourcePath + "-" + index.ToString(CultureInfo.InvariantCulture),
        ["targetRevision"] = "main",
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
