namespace HelmSentinel.Plan;

/// <summary>Which object a manifest document is: its API group, kind, namespace (empty for a cluster-scoped kind) and name.</summary>
/// <param name="Group">The API group; empty for the core group (<c>v1</c>).</param>
/// <param name="Kind">The kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespace">The namespace; empty for a cluster-scoped kind.</param>
/// <param name="Name">The object's name.</param>
public sealed record ObjectKey(string Group, string Kind, string Namespace, string Name) : IComparable<ObjectKey>
{
    /// <summary><c>Kind/name</c>, or <c>Kind.group/name</c> outside the core and apps groups, as a reader names the object.</summary>
    public string Display => (Group is "" or "apps" or "batch" ? Kind : $"{Kind}.{Group}") + "/" + Name;

    /// <inheritdoc />
    public int CompareTo(ObjectKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        var order = string.CompareOrdinal(Kind, other.Kind);
        order = order != 0 ? order : string.CompareOrdinal(Group, other.Group);
        order = order != 0 ? order : string.CompareOrdinal(Namespace, other.Namespace);
        return order != 0 ? order : string.CompareOrdinal(Name, other.Name);
    }

    /// <inheritdoc />
    public override string ToString() => Namespace.Length == 0 ? Display : $"{Display} (namespace {Namespace})";
}
