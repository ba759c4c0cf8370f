namespace HelmSentinel.Simulator.Api.Patching;

/// <summary>
/// The field ownership of every object written through the API, by uid (see <see cref="FieldOwnership"/>). A write works on
/// a <see cref="Fork"/> and <see cref="Save"/>s it once the store accepts the write, so a refused write or a dry run leaves
/// the ownership as it was.
/// </summary>
internal sealed class ServerSideApply
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FieldOwnership> _owners = new(StringComparer.Ordinal);

    /// <summary>A copy of the ownership of object <paramref name="uid"/> to change (empty for an object no API write touched).</summary>
    public FieldOwnership Fork(string uid)
    {
        lock (_gate)
        {
            return _owners.TryGetValue(uid, out var ownership) ? ownership.Clone() : new FieldOwnership();
        }
    }

    /// <summary>Makes <paramref name="ownership"/> the ownership of object <paramref name="uid"/>.</summary>
    public void Save(string uid, FieldOwnership ownership)
    {
        lock (_gate)
        {
            _owners[uid] = ownership;
        }
    }

    /// <summary>Forgets the ownership of a deleted object.</summary>
    public void Forget(string uid)
    {
        lock (_gate)
        {
            _owners.Remove(uid);
        }
    }
}
