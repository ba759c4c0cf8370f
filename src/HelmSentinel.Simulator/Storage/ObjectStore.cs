using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// The in-memory object database: one global resourceVersion counter, apiserver defaults, uid and
/// generation bookkeeping, garbage collection of dependents, and an ordered change feed for watches
/// and controllers. Thread-safe; every read returns a deep clone.
/// </summary>
public sealed partial class ObjectStore
{
    private const int RetainedEvents = 10000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ApiDefaults _defaults = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<Action<WatchEvent>> _subscribers = [];
    private long _resourceVersion = 1;
    private long _compactedThrough;

    /// <summary>Creates an empty store (no namespaces: the controllers seed them).</summary>
    public ObjectStore(TimeProvider time)
    {
        _time = time;
        foreach (var type in ResourceTypes.All)
        {
            _objects[type] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>The types served: the built-in ones and those of the CustomResourceDefinitions stored.</summary>
    public TypeCatalogue Types { get; } = new();

    /// <summary>The current global resourceVersion (the version of the latest change).</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>A deep clone of the object, or null when absent.</summary>
    public JsonObject? Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Table(type).TryGetValue(Key(type, ns, name), out var obj) ? AsVersion(type, obj.Clone()) : null;
        }
    }

    /// <summary>Clones of the objects of a type, sorted by namespace and name; <paramref name="ns"/> null lists all namespaces.</summary>
    public IReadOnlyList<JsonObject> List(ResourceType type, string? ns, Func<JsonObject, bool>? filter = null)
    {
        lock (_gate)
        {
            return Table(type).Values
                .Where(o => ns is null || !type.Namespaced || o.Text("metadata.namespace") == ns)
                .Where(o => filter is null || filter(o))
                .Select(o => AsVersion(type, o.Clone()))
                .ToList();
        }
    }

    /// <summary>
    /// Stores a new object: fills uid, resourceVersion, creationTimestamp, generation, namespace and the
    /// apiserver defaults. Throws 409 AlreadyExists, 404 when the namespace is missing, 422 without a name.
    /// </summary>
    public JsonObject Create(ResourceType type, string? ns, JsonObject obj) => Create(type, ns, obj, dryRun: false, check: null);

    /// <summary>
    /// <see cref="Create(ResourceType, string?, JsonObject)"/> for an API request: <paramref name="check"/> sees the object
    /// as it would be stored (defaults filled) and may refuse or complete it; with <paramref name="dryRun"/> that object is
    /// returned and nothing is stored.
    /// </summary>
    internal JsonObject Create(ResourceType type, string? ns, JsonObject obj, bool dryRun, WriteCheck? check)
    {
        lock (_gate)
        {
            var created = PreviewCreate(type, ns, obj);
            check?.Invoke(null, created);
            if (!dryRun)
            {
                Commit("ADDED", type, Key(type, created.Text("metadata.namespace"), created.Text("metadata.name")!), created, null);
            }

            return created.Clone();
        }
    }

    /// <summary>
    /// Replaces an object (PUT). Throws 409 Conflict when <c>metadata.resourceVersion</c> is given and stale.
    /// Keeps uid and creationTimestamp, bumps generation when <c>.spec</c> changed; on types with a status
    /// subresource the main resource keeps its status, and <paramref name="statusOnly"/> replaces only <c>.status</c>.
    /// </summary>
    public JsonObject Update(ResourceType type, string? ns, JsonObject obj, bool statusOnly = false) =>
        Update(type, ns, obj, statusOnly, dryRun: false, check: null);

    /// <summary>
    /// <see cref="Update(ResourceType, string?, JsonObject, bool)"/> for an API request: <paramref name="check"/> sees the
    /// live object and the one that would replace it (defaults filled, generation bumped) and may refuse or complete it;
    /// with <paramref name="dryRun"/> that object is returned and nothing is stored.
    /// </summary>
    internal JsonObject Update(ResourceType type, string? ns, JsonObject obj, bool statusOnly, bool dryRun, WriteCheck? check)
    {
        lock (_gate)
        {
            var name = obj.Text("metadata.name") ?? throw ApiException.Invalid(type, string.Empty, "metadata.name", "Required value: name is required");
            var effectiveNs = type.Namespaced ? ns ?? obj.Text("metadata.namespace") : null;
            var key = Key(type, effectiveNs, name);
            if (!Table(type).TryGetValue(key, out var existing))
            {
                throw ApiException.NotFound(type, name);
            }

            if (obj.Text("metadata.resourceVersion") is { Length: > 0 } rv && rv != existing.Text("metadata.resourceVersion"))
            {
                throw ApiException.Conflict(type, name);
            }

            JsonObject updated;
            if (statusOnly)
            {
                updated = existing.Clone();
                updated["status"] = obj["status"]?.DeepClone();
            }
            else
            {
                updated = obj.Clone();
                if (ResourceTypes.HasStatus(type))
                {
                    updated["status"] = existing["status"]?.DeepClone();
                }

                if (type == ResourceTypes.Namespaces)
                {
                    updated["status"] ??= existing["status"]?.DeepClone();
                }
            }

            return Replace(type, key, existing, updated, dryRun, check);
        }
    }

    /// <summary>
    /// Atomic read-modify-write for controllers: <paramref name="change"/> edits a clone and returns true
    /// when it changed something; then the change is committed (MODIFIED, new resourceVersion, generation
    /// bumped when <c>.spec</c> changed). Returns the resulting object. Throws 404 when absent.
    /// </summary>
    public JsonObject Mutate(ResourceType type, string? ns, string name, Func<JsonObject, bool> change) =>
        Mutate(type, ns, name, change, dryRun: false, check: null);

    /// <summary>
    /// <see cref="Mutate(ResourceType, string?, string, Func{JsonObject, bool})"/> for an API request (the <c>scale</c>
    /// subresource), with a <see cref="WriteCheck"/> and dry run as
    /// <see cref="Update(ResourceType, string?, JsonObject, bool, bool, WriteCheck?)"/> has them.
    /// </summary>
    internal JsonObject Mutate(ResourceType type, string? ns, string name, Func<JsonObject, bool> change, bool dryRun, WriteCheck? check)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            if (!Table(type).TryGetValue(key, out var existing))
            {
                throw ApiException.NotFound(type, name);
            }

            var copy = existing.Clone();
            return change(copy) ? Replace(type, key, existing, copy, dryRun, check) : existing.Clone();
        }
    }

    /// <summary>
    /// Deletes an object and returns it (null when absent). Its dependents (ownerReferences to its uid) are deleted
    /// after it (<see cref="DeletePropagation.Background"/>), before it (<see cref="DeletePropagation.Foreground"/>),
    /// or kept without that owner reference (<see cref="DeletePropagation.Orphan"/>, one MODIFIED event each). A
    /// Namespace takes everything in it whatever the policy. Each deleted object has its own DELETED event.
    /// </summary>
    public JsonObject? Delete(ResourceType type, string? ns, string name, DeletePropagation propagation = DeletePropagation.Background)
    {
        lock (_gate)
        {
            return DeleteLocked(type, ns, name, propagation, []);
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every committed change, in resourceVersion order, while the store
    /// is locked: handlers must be quick (enqueue and return). Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(Action<WatchEvent> handler)
    {
        lock (_gate)
        {
            _subscribers.Add(handler);
            return new Subscription(this, handler);
        }
    }

    /// <summary>
    /// The retained changes after <paramref name="resourceVersion"/>. Throws 410 Gone when that version is
    /// older than the retained window.
    /// </summary>
    public IReadOnlyList<WatchEvent> EventsSince(long resourceVersion)
    {
        lock (_gate)
        {
            if (resourceVersion < _compactedThrough)
            {
                throw new ApiException(410, "Gone", $"too old resource version: {resourceVersion} ({_compactedThrough})");
            }

            return _history.Where(e => e.ResourceVersion > resourceVersion).ToList();
        }
    }

    /// <summary>What <see cref="Create(ResourceType, string?, JsonObject)"/> would store, without storing it.</summary>
    private JsonObject PreviewCreate(ResourceType type, string? ns, JsonObject obj)
    {
        lock (_gate)
        {
            var created = Prepare(type, ns, obj);
            var name = created.Text("metadata.name")!;
            if (Table(type).ContainsKey(Key(type, created.Text("metadata.namespace"), name)))
            {
                throw ApiException.AlreadyExists(type, name);
            }

            var meta = created.Obj("metadata");
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp(_time.GetUtcNow());
            meta["generation"] = 1;
            _defaults.Apply(type, created, null);
            if (type == ResourceTypes.CustomResourceDefinitions)
            {
                Define(created, null);
            }

            if (type.IsCustom && type.StatusSubresource)
            {
                created.Remove("status"); // the custom resource strategy's PrepareForCreate: status is the /status writer's
            }

            return created;
        }
    }

    /// <summary>
    /// Subscribes and, under the same lock, runs <paramref name="whileLocked"/> (to take a snapshot or a
    /// backlog) so that no change falls between the snapshot and the live feed.
    /// </summary>
    internal IDisposable SubscribeAtomically(Action<WatchEvent> handler, Action whileLocked)
    {
        lock (_gate)
        {
            whileLocked();
            return Subscribe(handler);
        }
    }

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Key(ResourceType type, string? ns, string name) => type.Namespaced ? $"{ns}/{name}" : name;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    private SortedDictionary<string, JsonObject> Table(ResourceType type)
    {
        var stored = StorageOf(type);
        if (!_objects.TryGetValue(stored, out var table))
        {
            // A custom type's table comes with its definition and stays (empty) after it, so that a reader never finds none.
            table = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[stored] = table;
        }

        return table;
    }

    /// <summary>
    /// Where a type's objects are kept: a built-in type's own table; for a custom type one table for all the versions of
    /// its definition (the apiextensions apiserver stores one object and converts it, with the <c>None</c> strategy by
    /// rewriting its <c>apiVersion</c>).
    /// </summary>
    internal static ResourceType StorageOf(ResourceType type) => type.IsCustom ? type with { Version = string.Empty } : type;

    /// <summary>The object as the version <paramref name="type"/> serves it (the <c>None</c> conversion of a custom object).</summary>
    internal static JsonObject AsVersion(ResourceType type, JsonObject obj)
    {
        if (type.IsCustom)
        {
            obj["apiVersion"] = type.ApiVersion;
        }

        return obj;
    }

    /// <summary>Checks a definition about to be stored and gives it the status of an established one.</summary>
    private void Define(JsonObject crd, JsonObject? previous)
    {
        if (CustomResources.Errors(crd) is { Count: > 0 } errors)
        {
            throw ApiException.Invalid(ResourceTypes.CustomResourceDefinitions, crd.Text("metadata.name") ?? string.Empty, errors);
        }

        CustomResources.Establish(crd, previous, _time.GetUtcNow());
    }

    /// <summary>
    /// Whether the write changes what <c>metadata.generation</c> counts: <c>.spec</c> for built-in types; for a custom
    /// type everything but metadata, and but status when it has the status subresource (as the apiextensions apiserver
    /// counts it).
    /// </summary>
    private static bool GenerationChanges(ResourceType type, JsonObject existing, JsonObject updated)
    {
        if (!type.IsCustom)
        {
            return !JsonNode.DeepEquals(existing["spec"], updated["spec"]);
        }

        static JsonObject Counted(ResourceType type, JsonObject o)
        {
            var copy = o.Clone();
            copy.Remove("metadata");
            copy.Remove("apiVersion"); // a write through another served version converts, it does not change the object
            if (type.StatusSubresource)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return !JsonNode.DeepEquals(Counted(type, existing), Counted(type, updated));
    }

    private JsonObject Prepare(ResourceType type, string? ns, JsonObject obj)
    {
        var created = obj.Clone();
        created["apiVersion"] = type.ApiVersion;
        created["kind"] = type.Kind;
        var meta = created.Obj("metadata");
        meta.Remove("managedFields");
        meta.Remove("resourceVersion");
        meta.Remove("deletionTimestamp");
        if (meta.Text("name") is not { Length: > 0 })
        {
            if (meta.Text("generateName") is { Length: > 0 } prefix)
            {
                meta["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
            }
            else
            {
                throw ApiException.Invalid(type, string.Empty, "metadata.name", "Required value: name or generateName is required");
            }
        }

        var name = meta.Text("name")!;
        if (name.Length > 253 || !NamePattern().IsMatch(name))
        {
            throw new ApiException(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }

        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return created;
        }

        var bodyNs = meta.Text("namespace");
        if (ns is not null && bodyNs is { Length: > 0 } && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var effective = ns ?? bodyNs;
        if (effective is not { Length: > 0 })
        {
            throw ApiException.BadRequest("an empty namespace may not be set during creation");
        }

        if (!Table(ResourceTypes.Namespaces).ContainsKey(effective))
        {
            throw ApiException.NotFound(ResourceTypes.Namespaces, effective);
        }

        meta["namespace"] = effective;
        return created;
    }

    private JsonObject Replace(ResourceType type, string key, JsonObject existing, JsonObject updated, bool dryRun = false, WriteCheck? check = null)
    {
        updated["apiVersion"] = type.ApiVersion;
        updated["kind"] = type.Kind;
        var meta = updated.Obj("metadata");
        var oldMeta = existing.Obj("metadata");
        meta["name"] = oldMeta["name"]?.DeepClone();
        if (type.Namespaced)
        {
            meta["namespace"] = oldMeta["namespace"]?.DeepClone();
        }

        meta["uid"] = oldMeta["uid"]?.DeepClone();
        meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
        meta["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
        meta["generation"] = oldMeta["generation"]?.DeepClone();

        // managedFields are the API's to write (through the check); a write without one, as the controllers make, keeps them.
        meta.Remove("managedFields");
        if (oldMeta["managedFields"] is { } managed)
        {
            meta["managedFields"] = managed.DeepClone();
        }

        _defaults.Apply(type, updated, existing);
        if (type == ResourceTypes.CustomResourceDefinitions)
        {
            Define(updated, existing);
        }

        if (GenerationChanges(type, existing, updated))
        {
            meta["generation"] = (existing.Long("metadata.generation") ?? 0) + 1;
        }

        check?.Invoke(existing, updated);
        if (JsonNode.DeepEquals(existing, updated))
        {
            return existing.Clone();
        }

        if (dryRun)
        {
            return updated.Clone();
        }

        Commit("MODIFIED", type, key, updated, existing);
        return updated.Clone();
    }

    private void Commit(string eventType, ResourceType type, string? key, JsonObject obj, JsonObject? previous)
    {
        _resourceVersion++;
        obj.Obj("metadata")["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture);
        if (key is not null)
        {
            Table(type)[key] = obj;
        }

        if (type == ResourceTypes.CustomResourceDefinitions && key is not null)
        {
            Types.Register(obj.Text("metadata.name")!, CustomResources.Types(obj));
        }

        var change = new WatchEvent(eventType, type, obj.Clone(), _resourceVersion) { Previous = previous?.Clone() };
        _history.Enqueue(change);
        while (_history.Count > RetainedEvents)
        {
            _compactedThrough = _history.Dequeue().ResourceVersion;
        }

        foreach (var subscriber in _subscribers.ToArray())
        {
#pragma warning disable CA1031 // A failing subscriber must not break the write that triggered it.
            try
            {
                subscriber(change);
            }
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }

    /// <summary><see cref="Delete"/> under the lock; <paramref name="goingFirst"/> holds the uids whose dependents are being
    /// deleted before them, so that an ownership cycle ends instead of recursing for ever.</summary>
    private JsonObject? DeleteLocked(ResourceType type, string? ns, string name, DeletePropagation propagation, HashSet<string> goingFirst)
    {
        var key = Key(type, ns, name);
        if (!Table(type).TryGetValue(key, out var existing))
        {
            return null;
        }

        var uid = existing.Text("metadata.uid") ?? string.Empty;
        if (propagation == DeletePropagation.Foreground)
        {
            if (!goingFirst.Add(uid))
            {
                return null; // already on its way out, further up this deletion
            }

            DeleteDependents(type, existing, DeletePropagation.Foreground, goingFirst);
        }
        else if (propagation == DeletePropagation.Orphan)
        {
            Orphan(uid);
        }

        if (!Table(type).TryGetValue(key, out existing) || existing.Text("metadata.uid") != uid)
        {
            return null; // gone while its dependents were handled
        }

        if (type == ResourceTypes.CustomResourceDefinitions)
        {
            // The apiextensions apiserver's cleanup finalizer: the definition's objects go before it does.
            foreach (var custom in Types.Of(name))
            {
                foreach (var obj in Table(custom).Values.ToList())
                {
                    DeleteLocked(custom, obj.Text("metadata.namespace"), obj.Text("metadata.name")!, DeletePropagation.Background, goingFirst);
                }
            }

            Types.Unregister(name);
        }

        Table(type).Remove(key);
        var gone = existing.Clone();
        Commit("DELETED", type, null, gone, existing);
        DeleteDependents(type, gone, DeletePropagation.Background, goingFirst);
        return gone.Clone();
    }

    /// <summary>Deletes what <paramref name="owner"/> owns (and, for a Namespace, what is in it), each with <paramref name="propagation"/>,
    /// except the objects of <paramref name="goingFirst"/>.</summary>
    private void DeleteDependents(ResourceType ownerType, JsonObject owner, DeletePropagation propagation, HashSet<string> goingFirst)
    {
        var uid = owner.Text("metadata.uid");
        var dependents = new List<(ResourceType Type, JsonObject Obj)>();
        foreach (var (type, table) in _objects)
        {
            foreach (var candidate in table.Values)
            {
                if (goingFirst.Contains(candidate.Text("metadata.uid") ?? string.Empty))
                {
                    continue; // its own deletion, further up, is waiting for its dependents: it goes there
                }

                var owned = candidate.Items("metadata", "ownerReferences").Any(r => r.Text("uid") == uid);
                var inNamespace = ownerType == ResourceTypes.Namespaces && type.Namespaced &&
                    candidate.Text("metadata.namespace") == owner.Text("metadata.name");
                if (owned || inNamespace)
                {
                    dependents.Add((type, candidate));
                }
            }
        }

        foreach (var (type, dependent) in dependents)
        {
            DeleteLocked(type, dependent.Text("metadata.namespace"), dependent.Text("metadata.name")!, propagation, goingFirst);
        }
    }

    /// <summary>Removes the owner references to <paramref name="uid"/> from every object, as the garbage collector's
    /// <c>orphan</c> finalizer does before the owner goes.</summary>
    private void Orphan(string uid)
    {
        var orphans = _objects
            .SelectMany(t => t.Value.Select(o => (Type: t.Key, o.Key, Obj: o.Value)))
            .Where(o => o.Obj.Items("metadata", "ownerReferences").Any(r => r.Text("uid") == uid))
            .ToList();
        foreach (var (type, key, obj) in orphans)
        {
            var updated = obj.Clone();
            var meta = updated.Obj("metadata");
            var kept = meta.Items("ownerReferences").Where(r => r.Text("uid") != uid).Select(r => (JsonNode)r.Clone()).ToArray();
            if (kept.Length == 0)
            {
                meta.Remove("ownerReferences");
            }
            else
            {
                meta["ownerReferences"] = new JsonArray(kept);
            }

            Replace(type, key, obj, updated);
        }
    }

    private sealed class Subscription(ObjectStore store, Action<WatchEvent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(handler);
            }
        }
    }
}
