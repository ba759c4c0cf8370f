namespace HelmSentinel.Deploy;

/// <summary>How one guarded deploy ended.</summary>
public enum DeployResult
{
    /// <summary>The upgrade (or install) succeeded and the release is deployed at the new revision.</summary>
    Succeeded,

    /// <summary>The upgrade failed and the release is back at its last good revision (or, for a first install, uninstalled).</summary>
    RolledBack,

    /// <summary>The upgrade failed and the release could not be restored: a person must look.</summary>
    RollbackFailed,

    /// <summary>The request was refused before anything in the cluster changed.</summary>
    Rejected,

    /// <summary>The cluster or the helm binary could not be reached; nothing was changed by us.</summary>
    Unreachable,
}

/// <summary>The result as every entry point names it (the <c>result</c> output, the Azure build tag).</summary>
public static class DeployResultNames
{
    /// <summary><c>succeeded</c>, <c>rolled-back</c>, <c>rollback-failed</c>, <c>rejected</c> or <c>unreachable</c>.</summary>
    public static string Of(DeployResult result) => result switch
    {
        DeployResult.Succeeded => "succeeded",
        DeployResult.RolledBack => "rolled-back",
        DeployResult.RollbackFailed => "rollback-failed",
        DeployResult.Rejected => "rejected",
        DeployResult.Unreachable => "unreachable",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}
