namespace HelmSentinel.Plan;

/// <summary>What the upgrade does to one object.</summary>
public enum ChangeAction
{
    /// <summary>Created: in the proposed manifest only.</summary>
    Added,

    /// <summary>Deleted: in the deployed revision only.</summary>
    Removed,

    /// <summary>Patched: in both, with fields that differ.</summary>
    Changed,

    /// <summary>In both, the same.</summary>
    Unchanged,
}

/// <summary>What happens to one key of a Secret's <c>data</c>/<c>stringData</c>: never its value, only its name and length.</summary>
public enum SecretKeyState
{
    /// <summary>A new key.</summary>
    Added,

    /// <summary>A key that goes.</summary>
    Removed,

    /// <summary>The value changes.</summary>
    Changed,

    /// <summary>The same value.</summary>
    Unchanged,
}

/// <summary>One key of a Secret: its name, its state and the byte lengths of its values (decoded), never the values.</summary>
/// <param name="Key">The key's name.</param>
/// <param name="State">Added, removed, changed or unchanged.</param>
/// <param name="BytesBefore">Length of the deployed value; null when the key is new.</param>
/// <param name="BytesAfter">Length of the proposed value; null when the key goes.</param>
public sealed record SecretKeyChange(string Key, SecretKeyState State, int? BytesBefore, int? BytesAfter);

/// <summary>One object of the plan: what happens to it and, when it changes, which fields.</summary>
/// <param name="Key">Group, kind, namespace, name.</param>
/// <param name="ApiVersion">The proposed apiVersion (the deployed one for a removed object).</param>
/// <param name="Source">The template it comes from.</param>
/// <param name="IsHook">A hook: helm creates it anew around the upgrade.</param>
/// <param name="Action">Added, removed, changed or unchanged.</param>
/// <param name="Fields">The changed fields (for an added or removed object: none; its body is not repeated).</param>
/// <param name="SecretKeys">For a Secret: each key of its data, by name and length.</param>
public sealed record ObjectChange(
    ObjectKey Key, string ApiVersion, string? Source, bool IsHook, ChangeAction Action, IReadOnlyList<FieldChange> Fields, IReadOnlyList<SecretKeyChange> SecretKeys)
{
    /// <summary>True when the object's Secret keys change, even if no other field does.</summary>
    public bool SecretChanged => SecretKeys.Any(k => k.State is not SecretKeyState.Unchanged);
}
