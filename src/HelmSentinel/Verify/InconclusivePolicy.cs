namespace HelmSentinel.Verify;

/// <summary>What an inconclusive check means for the deploy (<c>inconclusive: fail | pass</c>).</summary>
public enum InconclusivePolicy
{
    /// <summary>An inconclusive check fails the verification (the default: a gate that cannot see is closed).</summary>
    Fail,

    /// <summary>An inconclusive check does not stop the deploy.</summary>
    Pass,
}
