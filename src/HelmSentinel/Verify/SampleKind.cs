namespace HelmSentinel.Verify;

/// <summary>What one sample of a check says.</summary>
public enum SampleKind
{
    /// <summary>The check's expectation held.</summary>
    Passed,

    /// <summary>The expectation did not hold (a wrong status, a condition not met): counts against <see cref="VerifyCheck.FailureLimit"/>.</summary>
    Failed,

    /// <summary>The check could not look (timeout, refused, unavailable, the API server's proxy answering for the app):
    /// not a failure until more than <see cref="VerifyCheck.ConsecutiveErrorLimit"/> come in a row.</summary>
    Error,

    /// <summary>The check looked but cannot judge (an empty result, NaN, several series, a condition it cannot decide).</summary>
    Inconclusive,
}
