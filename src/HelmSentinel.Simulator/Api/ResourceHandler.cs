using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Api.Bodies;
using HelmSentinel.Simulator.Api.Patching;
using HelmSentinel.Simulator.Api.Selectors;
using HelmSentinel.Simulator.Api.Validation;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using Microsoft.AspNetCore.Http;

namespace HelmSentinel.Simulator.Api;

/// <summary>The verbs on resource URLs: get, list, watch, create, update, patch, delete, deletecollection, plus the log and scale subresources.</summary>
internal sealed class ResourceHandler : IDisposable
{
    private readonly ObjectStore _store;
    private readonly TimeProvider _time;
    private readonly PodLogSource? _podLogs;
    private readonly ServerSideApply _apply = new();
    private readonly WatchStream _watch;
    private readonly IDisposable _forgetDeleted;

    /// <summary>Watch streams open now in a namespace (see <see cref="WatchStream.Open"/>).</summary>
    public int OpenWatches(string? ns) => _watch.Open(ns);

    public ResourceHandler(ObjectStore store, TimeProvider time, PodLogSource? podLogs)
    {
        _store = store;
        _time = time;
        _podLogs = podLogs;
        _watch = new WatchStream(store, time);
        _forgetDeleted = _store.Subscribe(e =>
        {
            if (e.Type == "DELETED" && e.Object.Text("metadata.uid") is { } uid)
            {
                _apply.Forget(uid);
            }
        });
    }

    public void Dispose() => _forgetDeleted.Dispose();

    /// <summary>Serves one request; <paramref name="cut"/> is a <see cref="FaultKind.WatchCut"/> fault for a watch.</summary>
    public async Task HandleAsync(HttpContext context, ResourcePath target, byte[] body, FaultRule? cut, CancellationToken stopping)
    {
        var method = context.Request.Method;
        var query = context.Request.Query;
        var dryRun = query["dryRun"] == "All";
        if (target.Subresource == "log")
        {
            await LogAsync(context, target, stopping);
            return;
        }

        if (target.Subresource == "scale")
        {
            await ScaleAsync(context, target, body, dryRun);
            return;
        }

        switch (method)
        {
            case "GET" when target.Name is null:
                await ListAsync(context, target, cut, stopping);
                return;
            case "GET":
                var found = _store.Get(target.Type, target.Namespace, target.Name) ?? throw ApiException.NotFound(target.Type, target.Name);
                await WriteObjectAsync(context, 200, target.Type, [found]);
                return;
            case "POST" when target.Name is null && target.Subresource is null:
                await CreateAsync(context, target, body, dryRun);
                return;
            case "PUT" when target.Name is not null:
                await UpdateAsync(context, target, body, dryRun);
                return;
            case "PATCH" when target.Name is not null:
                await PatchAsync(context, target, body, dryRun);
                return;
            case "DELETE" when target.Name is not null:
                await DeleteAsync(context, target, body, dryRun);
                return;
            case "DELETE":
                await DeleteCollectionAsync(context, target, body, dryRun);
                return;
            default:
                throw new ApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    /// <summary>The field manager of a write: the <c>fieldManager</c> parameter, else the User-Agent's product name (as a real server does).</summary>
    private static string Manager(HttpContext context)
    {
        if (context.Request.Query["fieldManager"].ToString() is { Length: > 0 } manager)
        {
            return manager;
        }

        var agent = context.Request.Headers.UserAgent.ToString();
        return agent.Length == 0 ? "unknown" : agent.Split('/')[0];
    }

    /// <summary>
    /// The check of one API write, run by the store once the object to store is complete: the update validation of the main
    /// resource, then the writer's field ownership (an <c>Update</c> of what it changed, or the <paramref name="applied"/>
    /// configuration on the <paramref name="merged"/> ownership of an apply), rendered into the object's managedFields and
    /// kept only when the write is not a dry run.
    /// </summary>
    private WriteCheck Write(HttpContext context, ResourcePath target, bool dryRun, FieldOwnership? merged = null, JsonObject? applied = null)
    {
        var manager = Manager(context);
        var now = _time.GetUtcNow();
        return (live, stored) =>
        {
            if (target.Subresource is null)
            {
                MetadataLabels.Check(target.Type, stored);
            }

            if (live is not null && target.Subresource is null)
            {
                ImmutableFields.Check(target.Type, live, stored);
            }

            var uid = stored.Text("metadata.uid")!;
            var ownership = merged ?? _apply.Fork(uid);
            if (applied is not null)
            {
                ownership.RecordApply(manager, target.Type.ApiVersion, applied, now);
            }
            else
            {
                ownership.RecordUpdate(manager, target.Subresource, target.Type.ApiVersion, live, stored, now);
            }

            var meta = stored.Obj("metadata");
            meta.Remove("managedFields");
            if (ownership.ManagedFields() is { Count: > 0 } managedFields)
            {
                meta["managedFields"] = managedFields;
            }

            if (!dryRun)
            {
                _apply.Save(uid, ownership);
            }
        };
    }

    private static JsonObject DecodeObject(HttpContext context, byte[] body) =>
        RequestBody.Decode(context.Request.ContentType, body) as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");

    private static Task WriteJsonAsync(HttpContext context, int code, JsonNode node)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(node.ToJsonString());
    }

    private static JsonObject SuccessStatus(ResourceType type, JsonObject deleted) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = deleted.Text("metadata.name"),
            ["group"] = type.Group,
            ["kind"] = type.Resource,
            ["uid"] = deleted.Text("metadata.uid"),
        },
    };

    private Task WriteObjectAsync(HttpContext context, int code, ResourceType type, IReadOnlyList<JsonObject> objects)
    {
        if (Tables.Wanted(context.Request.Headers.Accept))
        {
            return WriteJsonAsync(context, code, Tables.Build(type, objects, _store.ResourceVersion, context.Request.Query["includeObject"], _time.GetUtcNow()));
        }

        return WriteJsonAsync(context, code, objects[0]);
    }

    private Func<JsonObject, bool> Matcher(HttpContext context, ResourcePath target)
    {
        var labels = LabelSelector.Parse(context.Request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(context.Request.Query["fieldSelector"]);
        var ns = target.Namespace;
        return o => (ns is null || o.Text("metadata.namespace") == ns) && labels.Matches(o.StringMap("metadata.labels")) && fields.Matches(o);
    }

    private async Task ListAsync(HttpContext context, ResourcePath target, FaultRule? cut, CancellationToken stopping)
    {
        var matches = Matcher(context, target);
        if (context.Request.Query["watch"] is var watch && (watch == "true" || watch == "1"))
        {
            Func<JsonObject, JsonObject>? render = null;
            if (Tables.Wanted(context.Request.Headers.Accept))
            {
                var include = context.Request.Query["includeObject"].ToString();
                render = o => Tables.Build(target.Type, [o], _store.ResourceVersion, include, _time.GetUtcNow());
            }

            await _watch.RunAsync(context, target, matches, render, cut, stopping);
            return;
        }

        long version = 0;
        IReadOnlyList<JsonObject> items = [];
        using (_store.SubscribeAtomically(_ => { }, () =>
        {
            version = _store.ResourceVersion;
            items = _store.List(target.Type, target.Namespace, matches);
        }))
        {
        }

        if (Tables.Wanted(context.Request.Headers.Accept))
        {
            await WriteJsonAsync(context, 200, Tables.Build(target.Type, items, version, context.Request.Query["includeObject"], _time.GetUtcNow()));
            return;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = target.Type.Kind + "List",
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        });
    }

    private async Task CreateAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        if (target.Type.Namespaced && target.Namespace is null)
        {
            throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }

        var obj = DecodeObject(context, body);
        var created = _store.Create(target.Type, target.Namespace, obj, dryRun, Write(context, target, dryRun));
        await WriteJsonAsync(context, 201, created);
    }

    private async Task UpdateAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        var obj = DecodeObject(context, body);
        CheckName(target, obj);
        var updated = _store.Update(target.Type, target.Namespace, obj, target.Subresource == "status", dryRun, Write(context, target, dryRun));
        await WriteJsonAsync(context, 200, updated);
    }

    private static void CheckName(ResourcePath target, JsonObject obj)
    {
        var meta = obj.Obj("metadata");
        if (meta.Text("name") is { Length: > 0 } name && name != target.Name)
        {
            throw ApiException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({target.Name})");
        }

        meta["name"] = target.Name;
    }

    /// <summary>
    /// A patch is computed on the object read first and stored with its resourceVersion, so a controller's write in between
    /// makes the store refuse it as stale. Unless the patch itself names a resourceVersion, the apiserver then patches the
    /// newer object again (its <c>GuaranteedUpdate</c> retry); so does this, a few times.
    /// </summary>
    private async Task PatchAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PatchOnceAsync(context, target, body, dryRun);
                return;
            }
            catch (ApiException e) when (e.StaleResourceVersion && attempt < 5 && !PinsResourceVersion(context, body))
            {
            }
        }
    }

    private static bool PinsResourceVersion(HttpContext context, byte[] body) =>
        RequestBody.Decode((context.Request.ContentType ?? string.Empty).Split(';')[0].Trim(), body) switch
        {
            JsonObject patch => patch.Text("metadata.resourceVersion") is not null,
            JsonArray ops => ops.OfType<JsonObject>().Any(op => op.Text("path") == "/metadata/resourceVersion"),
            _ => false,
        };

    private async Task PatchOnceAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        var contentType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        var patch = RequestBody.Decode(contentType, body) ?? throw ApiException.BadRequest("empty patch body");
        var live = _store.Get(target.Type, target.Namespace, target.Name!);
        var statusOnly = target.Subresource == "status";
        if (target.Type.IsCustom && contentType == "application/strategic-merge-patch+json")
        {
            // Custom resources have no patch strategy to merge by: the apiextensions apiserver does not accept the type.
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }

        JsonObject patched;
        switch (contentType)
        {
            case "application/apply-patch+yaml" or "application/apply-patch+json":
                var applied = patch as JsonObject ?? throw ApiException.BadRequest("apply patches must be objects");
                CheckName(target, applied);
                var manager = context.Request.Query["fieldManager"].ToString();
                if (manager.Length == 0)
                {
                    throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }

                if (live is null)
                {
                    var created = _store.Create(target.Type, target.Namespace, applied, dryRun, Write(context, target, dryRun, applied: applied));
                    await WriteJsonAsync(context, 201, created);
                    return;
                }

                var ownership = _apply.Fork(live.Text("metadata.uid")!);
                patched = ownership.Merge(target.Type, live, applied, manager, context.Request.Query["force"] == "true");
                var result = _store.Update(target.Type, target.Namespace, patched, statusOnly, dryRun, Write(context, target, dryRun, ownership, applied));
                await WriteJsonAsync(context, 200, result);
                return;
            case "application/strategic-merge-patch+json":
                patched = StrategicMergePatch.Apply(live ?? throw ApiException.NotFound(target.Type, target.Name!), patch as JsonObject ?? throw ApiException.BadRequest("strategic merge patches must be objects"));
                break;
            case "application/merge-patch+json":
                patched = JsonMergePatch.Apply(live ?? throw ApiException.NotFound(target.Type, target.Name!), patch) as JsonObject ?? throw ApiException.BadRequest("merge patch must produce an object");
                break;
            case "application/json-patch+json":
                patched = JsonPatch.Apply(live ?? throw ApiException.NotFound(target.Type, target.Name!), patch as JsonArray ?? throw ApiException.BadRequest("json patches must be arrays")) as JsonObject
                    ?? throw ApiException.BadRequest("json patch must produce an object");
                break;
            default:
                throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
        }

        var written = _store.Update(target.Type, target.Namespace, patched, statusOnly, dryRun, Write(context, target, dryRun));
        await WriteJsonAsync(context, 200, written);
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        var options = DeleteOptions(context, body);
        var propagation = Propagation(context, target.Type, options);
        var existing = _store.Get(target.Type, target.Namespace, target.Name!) ?? throw ApiException.NotFound(target.Type, target.Name!);
        if (options?.Text("preconditions.resourceVersion") is { Length: > 0 } rv && rv != existing.Text("metadata.resourceVersion"))
        {
            throw ApiException.Conflict(target.Type, target.Name!);
        }

        if (options?.Text("preconditions.uid") is { Length: > 0 } uid && uid != existing.Text("metadata.uid"))
        {
            throw ApiException.Conflict(target.Type, target.Name!);
        }

        var dryRunInBody = options?["dryRun"] is JsonArray flags && flags.Any(f => f?.GetValue<string>() == "All");
        var deleted = dryRun || dryRunInBody ? existing : _store.Delete(target.Type, target.Namespace, target.Name!, propagation) ?? existing;
        await WriteJsonAsync(context, 200, target.Type == ResourceTypes.Pods ? deleted : SuccessStatus(target.Type, deleted));
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        var propagation = Propagation(context, target.Type, DeleteOptions(context, body));
        var matches = Matcher(context, target);
        var items = _store.List(target.Type, target.Namespace, matches);
        if (!dryRun)
        {
            foreach (var item in items)
            {
                _store.Delete(target.Type, item.Text("metadata.namespace"), item.Text("metadata.name")!, propagation);
            }
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = target.Type.Kind + "List",
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        });
    }

    /// <summary>The DeleteOptions of a delete: the body when there is one (JSON, YAML or protobuf), else the query
    /// parameters, as the apiserver decodes them (it reads the query only for an empty body).</summary>
    private static JsonObject? DeleteOptions(HttpContext context, byte[] body)
    {
        if (body.Length > 0)
        {
            return RequestBody.Decode(context.Request.ContentType, body) as JsonObject;
        }

        var query = context.Request.Query;
        var options = new JsonObject();
        if (query["propagationPolicy"].ToString() is { Length: > 0 } policy)
        {
            options["propagationPolicy"] = policy;
        }

        if (query["orphanDependents"].ToString() is { Length: > 0 } orphan)
        {
            options["orphanDependents"] = orphan switch
            {
                "true" or "1" => true,
                "false" or "0" => false,
                _ => throw ApiException.BadRequest($"invalid value for orphanDependents: \"{orphan}\""),
            };
        }

        return options;
    }

    /// <summary>
    /// What the delete does to dependents: <c>propagationPolicy</c>, else the deprecated <c>orphanDependents</c>, else the
    /// type's default. batch/v1 Jobs default to orphaning their pods, with the warning a real apiserver sends
    /// (<c>pkg/registry/batch/job</c>: <c>DefaultGarbageCollectionPolicy</c> and <c>deleteOptionWarnings</c>); every other
    /// served type to background. Both fields set, or an unknown policy, is 422 as in <c>ValidateDeleteOptions</c>.
    /// </summary>
    private static DeletePropagation Propagation(HttpContext context, ResourceType type, JsonObject? options)
    {
        var policy = options?["propagationPolicy"] is JsonValue p && p.TryGetValue<string>(out var text) ? text : null;
        var orphan = options?["orphanDependents"] is JsonValue o && o.TryGetValue<bool>(out var flag) ? flag : (bool?)null;
        if (policy is not null && orphan is not null)
        {
            throw InvalidDeleteOptions($"propagationPolicy: Invalid value: \"{policy}\": orphanDependents and deletionPropagation cannot be both set");
        }

        switch (policy)
        {
            case "Background":
                return DeletePropagation.Background;
            case "Foreground":
                return DeletePropagation.Foreground;
            case "Orphan":
                return DeletePropagation.Orphan;
            case not null:
                throw InvalidDeleteOptions($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        }

        if (orphan is { } orphanDependents)
        {
            return orphanDependents ? DeletePropagation.Orphan : DeletePropagation.Background;
        }

        if (type == ResourceTypes.Jobs)
        {
            context.Response.Headers.Append("Warning", "299 - \"" + JobOrphanWarning + "\"");
            return DeletePropagation.Orphan;
        }

        return DeletePropagation.Background;
    }

    /// <summary>The warning of a batch/v1 Job delete that leaves the propagation to the default.</summary>
    internal const string JobOrphanWarning =
        "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning";

    private static ApiException InvalidDeleteOptions(string error) =>
        new(422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: " + error)
        {
            Details = new JsonObject { ["name"] = "", ["group"] = "meta.k8s.io", ["kind"] = "DeleteOptions" },
        };

    private async Task LogAsync(HttpContext context, ResourcePath target, CancellationToken stopping)
    {
        if (context.Request.Method != "GET")
        {
            throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }

        var pod = _store.Get(target.Type, target.Namespace, target.Name!) ?? throw ApiException.NotFound(target.Type, target.Name!);
        var query = context.Request.Query;
        var container = query["container"].ToString() is { Length: > 0 } c ? c : null;
        var containers = (pod["spec"] as JsonObject).Items("containers").Select(x => x.Text("name")).ToList();
        if (container is not null && !containers.Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {target.Name}");
        }

        if (container is null && containers.Count > 1)
        {
            throw ApiException.BadRequest($"a container name must be specified for pod {target.Name}, choose one of: [{string.Join(' ', containers)}]");
        }

        int? tail = int.TryParse(query["tailLines"], CultureInfo.InvariantCulture, out var t) ? t : null;
        var previous = query["previous"] == "true";
        var follow = query["follow"] == "true" && !previous;
        var read = _podLogs?.Invoke(target.Namespace!, target.Name!);
        var log = read?.Invoke(container, previous);
        if (follow && log is null)
        {
            // As a kubelet answers a follower before the container has started.
            throw ApiException.BadRequest($"container \"{container ?? containers.FirstOrDefault()}\" in pod \"{target.Name}\" is waiting to start: ContainerCreating");
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var lines = log?.Lines ?? [];
        var first = tail is { } n and >= 0 ? Math.Max(0, lines.Count - n) : 0;
        await WriteLinesAsync(context, lines.Skip(first), stopping);
        if (!follow || log!.Ended)
        {
            return;
        }

        await FollowAsync(context, target, pod.Text("metadata.uid"), read!, container, log, stopping);
    }

    // Streams a running container's new lines until its run ends, the pod is deleted, or the client or the server goes.
    private async Task FollowAsync(HttpContext context, ResourcePath target, string? uid, PodLogReader read, string? container, PodLogSnapshot start, CancellationToken stopping)
    {
        using var changed = new SemaphoreSlim(0);
        using var subscription = _store.Subscribe(e =>
        {
            if (e.ResourceType == target.Type && e.Object.Text("metadata.uid") == uid)
            {
                changed.Release();
            }
        });
        using var token = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var next = start.Dropped + start.Lines.Count;
        try
        {
            while (true)
            {
                // Every change to a container's log is written with the pod's status; the poll only covers a missed wake.
                await changed.WaitAsync(TimeSpan.FromSeconds(1), token.Token);
                var deleted = _store.Get(target.Type, target.Namespace, target.Name!)?.Text("metadata.uid") != uid;
                var now = read(container, previous: false);
                if (now is null || now.Run != start.Run)
                {
                    now = read(container, previous: true) is { } before && before.Run == start.Run ? before : null;
                }

                if (now is null)
                {
                    return;
                }

                var from = (int)Math.Clamp(next - now.Dropped, 0, now.Lines.Count);
                await WriteLinesAsync(context, now.Lines.Skip(from), token.Token);
                next = now.Dropped + now.Lines.Count;
                if (now.Ended || deleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client closed the stream or the server is stopping.
        }
    }

    private static async Task WriteLinesAsync(HttpContext context, IEnumerable<string> lines, CancellationToken token)
    {
        var text = string.Concat(lines.Select(l => l + "\n"));
        if (text.Length > 0)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), token);
        }

        await context.Response.Body.FlushAsync(token);
    }

    private async Task ScaleAsync(HttpContext context, ResourcePath target, byte[] body, bool dryRun)
    {
        var obj = _store.Get(target.Type, target.Namespace, target.Name!) ?? throw ApiException.NotFound(target.Type, target.Name!);
        if (context.Request.Method is "PUT" or "PATCH")
        {
            var request = DecodeObject(context, body);
            var replicas = context.Request.Method == "PUT" ? request.Long("spec.replicas")
                : (JsonMergePatch.Apply(ToScale(target.Type, obj), request) as JsonObject).Long("spec.replicas");
            if (replicas is null)
            {
                throw ApiException.BadRequest("spec.replicas is required");
            }

            obj = _store.Mutate(target.Type, target.Namespace, target.Name!, o =>
            {
                o.Obj("spec")["replicas"] = replicas.Value;
                return true;
            }, dryRun, Write(context, target, dryRun));
        }
        else if (context.Request.Method != "GET")
        {
            throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }

        await WriteJsonAsync(context, 200, ToScale(target.Type, obj));
    }

    private static JsonObject ToScale(ResourceType type, JsonObject obj) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = obj.Text("metadata.name"),
            ["namespace"] = obj.Text("metadata.namespace"),
            ["uid"] = obj.Text("metadata.uid"),
            ["resourceVersion"] = obj.Text("metadata.resourceVersion"),
            ["creationTimestamp"] = obj.Text("metadata.creationTimestamp"),
        },
        ["spec"] = new JsonObject { ["replicas"] = obj.Long("spec.replicas") ?? 0 },
        ["status"] = new JsonObject
        {
            ["replicas"] = obj.Long("status.replicas") ?? 0,
            ["selector"] = string.Join(',', obj.StringMap("spec.selector.matchLabels").Select(p => $"{p.Key}={p.Value}")),
        },
    };
}

/// <summary>Finds a pod's logs: a reader of them, or null when the pod is unknown to the kubelet.</summary>
internal delegate PodLogReader? PodLogSource(string ns, string pod);

/// <summary>Reads a pod's container log now (<c>previous</c>: its last ended run); null when the container has not started.</summary>
internal delegate PodLogSnapshot? PodLogReader(string? container, bool previous);
