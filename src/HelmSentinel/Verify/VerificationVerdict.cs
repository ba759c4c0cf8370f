namespace HelmSentinel.Verify;

/// <summary>How a verification ended.</summary>
public enum VerificationVerdict
{
    /// <summary>Every check passed its bake (or ended inconclusive with <c>inconclusive: pass</c>).</summary>
    Passed,

    /// <summary>A check failed (the bake ended at once), or one ended inconclusive with <c>inconclusive: fail</c>.</summary>
    Failed,

    /// <summary>The run was cancelled before its end; nothing was decided.</summary>
    Cancelled,
}
