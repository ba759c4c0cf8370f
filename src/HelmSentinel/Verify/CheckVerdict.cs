namespace HelmSentinel.Verify;

/// <summary>How one check ended.</summary>
public enum CheckVerdict
{
    /// <summary>It ran its course within its limits, and its last judged sample was a judgement (passed or a tolerated failure).</summary>
    Passed,

    /// <summary>It went past its failure limit or its consecutive error limit (or, with <c>inconclusive: fail</c>, ended
    /// inconclusive: then <see cref="CheckReport.Verdict"/> stays <see cref="Inconclusive"/> and the run names it as failed).</summary>
    Failed,

    /// <summary>It cannot be judged: its last judged sample was inconclusive, every sample was an error, or it was stopped
    /// before its end (another check failed, the run was cancelled).</summary>
    Inconclusive,

    /// <summary>It took no sample at all.</summary>
    NotRun,
}
