namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// The resource types one simulator serves: the built-in ones and those its CustomResourceDefinitions add at run
/// time. Thread-safe: the store registers a definition's types when it commits the definition, while requests read.
/// </summary>
public sealed class TypeCatalogue
{
    private readonly Lock _gate = new();
    private readonly List<(string Definition, IReadOnlyList<ResourceType> Types)> _custom = [];

    /// <summary>Every served type: the built-in ones in discovery order, then the custom ones in the order their
    /// definitions were created.</summary>
    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return [.. ResourceTypes.All, .. _custom.SelectMany(c => c.Types)];
            }
        }
    }

    /// <summary>The group-versions served, built-in first (<c>v1</c>, <c>apps/v1</c>, ...).</summary>
    public IReadOnlyList<string> GroupVersions => All.Select(t => t.ApiVersion).Distinct().ToList();

    /// <summary>The type served at <c>/apis/GROUP/VERSION/RESOURCE</c>, or null.</summary>
    public ResourceType? Find(string group, string version, string resource) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Resource == resource);

    /// <summary>The type of objects with this <c>apiVersion</c> and <c>kind</c>, or null.</summary>
    public ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    /// <summary>The types in the group-version (<c>v1</c>, <c>apps/v1</c>).</summary>
    public IReadOnlyList<ResourceType> InGroupVersion(string groupVersion) =>
        All.Where(t => t.ApiVersion == groupVersion).ToList();

    /// <summary>The types the definition <paramref name="definition"/> (<c>PLURAL.GROUP</c>) serves now; empty when none.</summary>
    public IReadOnlyList<ResourceType> Of(string definition)
    {
        lock (_gate)
        {
            return _custom.FirstOrDefault(c => c.Definition == definition).Types ?? [];
        }
    }

    /// <summary>Serves <paramref name="types"/> for <paramref name="definition"/>, replacing what it served before.</summary>
    internal void Register(string definition, IReadOnlyList<ResourceType> types)
    {
        lock (_gate)
        {
            var index = _custom.FindIndex(c => c.Definition == definition);
            if (index >= 0)
            {
                _custom[index] = (definition, types);
            }
            else
            {
                _custom.Add((definition, types));
            }
        }
    }

    /// <summary>Stops serving the types of <paramref name="definition"/>.</summary>
    internal void Unregister(string definition)
    {
        lock (_gate)
        {
            _custom.RemoveAll(c => c.Definition == definition);
        }
    }
}
