namespace HelmSentinel.Deploy;

/// <summary>Exit codes of every entry point.</summary>
public static class ExitCodes
{
    /// <summary>The release is deployed at the new revision.</summary>
    public const int Succeeded = 0;

    /// <summary>The deploy failed and the release is back at its last good revision (a failed first install is uninstalled).</summary>
    public const int RolledBack = 1;

    /// <summary>The deploy failed and the release is not restored: the cluster needs a person.</summary>
    public const int RollbackFailed = 2;

    /// <summary>Refused before any change: bad input, a chart that does not render, or another deploy holds the release.</summary>
    public const int Rejected = 3;

    /// <summary>The cluster or helm could not be reached or is missing; nothing was changed.</summary>
    public const int Unreachable = 4;

    /// <summary>The exit code for a result.</summary>
    public static int For(DeployResult result) => result switch
    {
        DeployResult.Succeeded => Succeeded,
        DeployResult.RolledBack => RolledBack,
        DeployResult.RollbackFailed => RollbackFailed,
        DeployResult.Rejected => Rejected,
        DeployResult.Unreachable => Unreachable,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}
