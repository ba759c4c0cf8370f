namespace HelmSentinel.Drift;

/// <summary>How a ConfigMap or Secret outside the release differs from what was recorded on a revision.</summary>
public enum ConfigChangeKind
{
    /// <summary>Its data is not what it was.</summary>
    Changed,

    /// <summary>It exists now and did not then.</summary>
    Created,

    /// <summary>It existed then and does not now.</summary>
    Deleted,
}

/// <summary>A ConfigMap or Secret outside the release that changed since a revision was deployed: a rollback to that
/// revision does not restore it.</summary>
/// <param name="Kind"><c>ConfigMap</c> or <c>Secret</c>.</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Revision">The revision its fingerprint was recorded on.</param>
/// <param name="Change">What changed.</param>
/// <param name="Recorded">The fingerprint on the revision; null when it was missing then.</param>
/// <param name="Now">The fingerprint now; null when it is missing now.</param>
public sealed record ConfigChange(string Kind, string Namespace, string Name, int Revision, ConfigChangeKind Change, ConfigFingerprint? Recorded, ConfigFingerprint? Now)
{
    /// <summary>One sentence: <c>ConfigMap `shared-config` changed since revision 4 (recorded sha256:ab12…, now sha256:9f3c…): the rollback does not restore it</c>.</summary>
    public string Describe() => Change switch
    {
        ConfigChangeKind.Changed => $"{Kind} `{Name}` changed since revision {Revision} (recorded {Recorded!.Short}, now {Now!.Short}): the rollback does not restore it",
        ConfigChangeKind.Created => $"{Kind} `{Name}` was created since revision {Revision} (missing then, now {Now!.Short}): the rollback does not remove it",
        _ => $"{Kind} `{Name}` was deleted since revision {Revision} (recorded {Recorded!.Short}, now missing): the rollback does not bring it back",
    };
}

/// <summary>The external configuration of a revision against the cluster now (<see cref="ExternalConfig.CompareAsync"/>).</summary>
/// <param name="Revision">The revision compared with.</param>
/// <param name="Changes">What changed since; empty when nothing did.</param>
/// <param name="Compared">How many recorded fingerprints were compared.</param>
/// <param name="Notes">Why something could not be compared (no fingerprints on that revision, an object that cannot be read).</param>
public sealed record ConfigComparison(int Revision, IReadOnlyList<ConfigChange> Changes, int Compared, IReadOnlyList<string> Notes);
