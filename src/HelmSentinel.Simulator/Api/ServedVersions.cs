using HelmSentinel.Simulator.Storage;

namespace HelmSentinel.Simulator.Api;

/// <summary>
/// The group-versions the API serves now. One left out (as after a cluster upgrade that removed it) disappears from
/// <c>/api</c>, <c>/apis</c>, <c>/apis/GROUP</c>, its resource list and OpenAPI document, and every request to its
/// resources is the 404 of an unknown path; its objects stay in the store and the controllers keep working on them.
/// Thread-safe: a test may change it while clients are connected.
/// </summary>
internal sealed class ServedVersions
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _unserved = new(StringComparer.Ordinal);
    private readonly TypeCatalogue _types;

    /// <summary>Starts with every group-version of <paramref name="types"/> served but <paramref name="unserved"/>.</summary>
    public ServedVersions(TypeCatalogue types, IEnumerable<string> unserved)
    {
        _types = types;
        foreach (var groupVersion in unserved)
        {
            Unserve(groupVersion);
        }
    }

    /// <summary>The group-versions served now, in discovery order.</summary>
    public IReadOnlyList<string> Served
    {
        get
        {
            lock (_gate)
            {
                return _types.GroupVersions.Where(gv => !_unserved.Contains(gv)).ToList();
            }
        }
    }

    /// <summary>The group-versions left out now, in discovery order.</summary>
    public IReadOnlyList<string> Unserved
    {
        get
        {
            lock (_gate)
            {
                return _types.GroupVersions.Where(_unserved.Contains).ToList();
            }
        }
    }

    /// <summary>Whether <paramref name="groupVersion"/> (<c>v1</c>, <c>apps/v1</c>) is served.</summary>
    public bool IsServed(string groupVersion)
    {
        lock (_gate)
        {
            return !_unserved.Contains(groupVersion);
        }
    }

    /// <summary>Leaves <paramref name="groupVersion"/> out; throws <see cref="ArgumentException"/> for one the simulator does not know.</summary>
    public void Unserve(string groupVersion)
    {
        Known(groupVersion);
        lock (_gate)
        {
            _unserved.Add(groupVersion);
        }
    }

    /// <summary>Serves <paramref name="groupVersion"/> again.</summary>
    public void Serve(string groupVersion)
    {
        Known(groupVersion);
        lock (_gate)
        {
            _unserved.Remove(groupVersion);
        }
    }

    private void Known(string groupVersion)
    {
        if (!_types.GroupVersions.Contains(groupVersion))
        {
            throw new ArgumentException(
                $"'{groupVersion}' is not a group-version of the simulator (known: {string.Join(", ", _types.GroupVersions)}).",
                nameof(groupVersion));
        }
    }
}
