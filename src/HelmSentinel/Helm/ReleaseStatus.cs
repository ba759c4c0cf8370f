namespace HelmSentinel.Helm;

/// <summary>Helm's release status strings (identical in Helm 3.17 and 4.1).</summary>
public static class ReleaseStatus
{
    /// <summary>Helm could not tell.</summary>
    public const string Unknown = "unknown";

    /// <summary>The revision that runs now.</summary>
    public const string Deployed = "deployed";

    /// <summary>Removed with <c>--keep-history</c>.</summary>
    public const string Uninstalled = "uninstalled";

    /// <summary>Ran once, replaced by a later revision.</summary>
    public const string Superseded = "superseded";

    /// <summary>The operation that wrote it failed.</summary>
    public const string Failed = "failed";

    /// <summary>An uninstall is under way.</summary>
    public const string Uninstalling = "uninstalling";

    /// <summary>An install holds the lock.</summary>
    public const string PendingInstall = "pending-install";

    /// <summary>An upgrade holds the lock.</summary>
    public const string PendingUpgrade = "pending-upgrade";

    /// <summary>A rollback holds the lock.</summary>
    public const string PendingRollback = "pending-rollback";
}
