using HelmSentinel.Deploy;

namespace HelmSentinel.GitOps;

/// <summary>How a GitOps watch ended, for the exit code and the headline.</summary>
public enum GitOpsResult
{
    /// <summary>Synced to the revision and healthy for the bake (exit 0).</summary>
    Healthy,

    /// <summary>Failed, and the revert is in Git: a pull request opened or updated, or pushed (exit 1).</summary>
    Reverted,

    /// <summary>Failed and not reverted: <c>revert none</c>, a conflicting revert, a revert that failed (exit 2).</summary>
    NotReverted,

    /// <summary>Never synced to the revision within the timeout: nothing was reverted (exit 2).</summary>
    NeverSynced,

    /// <summary>Bad input, refused credentials, an application that does not exist; nothing changed (exit 3).</summary>
    Rejected,

    /// <summary>Argo CD, the cluster or the Git remote could not be reached (exit 4).</summary>
    Unreachable,
}

/// <summary>What the revert did, as the runner reports it.</summary>
/// <param name="Reverted">True when the revert is in Git (a pull request opened or updated, or pushed).</param>
/// <param name="Summary">One line for the log and the headline, e.g. <c>revert pull request #12 opened: https://…</c>.</param>
/// <param name="Url">The pull request (or pushed commit), when there is one.</param>
public sealed record GitOpsRevertReport(bool Reverted, string Summary, string? Url = null)
{
    /// <summary>The paths of a revert that conflicts (then nothing was pushed).</summary>
    public IReadOnlyList<string> ConflictPaths { get; init; } = [];

    /// <summary>The commands a person runs to make the revert by hand, when it could not be made.</summary>
    public string? ManualCommand { get; init; }
}

/// <summary>Everything a GitOps watch found and did: the reports are made from it.</summary>
public sealed record GitOpsOutcome
{
    /// <summary>What was asked.</summary>
    public required GitOpsRequest Request { get; init; }

    /// <summary>How it ended.</summary>
    public required GitOpsResult Result { get; init; }

    /// <summary>What was watched, e.g. <c>Argo CD application guestbook (https://argocd.example.com)</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>The watch, with its readings' timeline; null when it never started (bad input).</summary>
    public GitOpsWatch? Watch { get; init; }

    /// <summary>Why it ended, one line (masked).</summary>
    public string Reason { get; init; } = "";

    /// <summary>What the revert did; null when none was tried.</summary>
    public GitOpsRevertReport? Revert { get; init; }

    /// <summary>What the Argo CD rollback did, one line; null when none was asked.</summary>
    public string? ArgoCdRollback { get; init; }

    /// <summary>Warnings along the way.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Masks the secrets in every text made from it.</summary>
    public SecretMasker Masker { get; init; } = SecretMasker.None;

    /// <summary>The process exit code.</summary>
    public int ExitCode => Result switch
    {
        GitOpsResult.Healthy => ExitCodes.Succeeded,
        GitOpsResult.Reverted => ExitCodes.RolledBack,
        GitOpsResult.NotReverted or GitOpsResult.NeverSynced => ExitCodes.RollbackFailed,
        GitOpsResult.Rejected => ExitCodes.Rejected,
        _ => ExitCodes.Unreachable,
    };

    /// <summary>The last reading, when there was one.</summary>
    public AppObservation? Last => Watch?.Last;
}
