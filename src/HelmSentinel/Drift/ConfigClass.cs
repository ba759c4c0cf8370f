namespace HelmSentinel.Drift;

/// <summary>Who a ConfigMap or Secret the release's pods read belongs to: only <see cref="InRelease"/> comes back with a
/// rollback.</summary>
public enum ConfigClass
{
    /// <summary>The chart renders it: a rollback restores it with the rest of the release.</summary>
    InRelease,

    /// <summary>Another Helm release owns it (<c>meta.helm.sh/release-name</c>).</summary>
    OtherRelease,

    /// <summary>No Helm annotations: created by hand, by a script or an operator (named by its owner reference or field manager).</summary>
    Unmanaged,

    /// <summary>Not in the cluster when the deploy started.</summary>
    Missing,

    /// <summary>The API server would not say (no permission to read it, or an error).</summary>
    Unreadable,
}
