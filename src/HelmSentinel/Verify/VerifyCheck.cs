namespace HelmSentinel.Verify;

/// <summary>One check of a <see cref="VerifySpec"/>: what all kinds share (<see cref="HelmTestCheck"/>,
/// <see cref="HttpCheck"/>, <see cref="PrometheusCheck"/>).</summary>
public abstract record VerifyCheck
{
    /// <summary>Errors in a row tolerated when the document gives no <c>consecutiveErrorLimit</c>.</summary>
    public const int DefaultConsecutiveErrorLimit = 3;

    /// <summary>The check's name, unique in the spec: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; reports and the
    /// <c>failed-check</c> output use it.</summary>
    public required string Name { get; init; }

    /// <summary>The kind as the document writes it: <c>helmTest</c>, <c>http</c> or <c>prometheus</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// Failed samples tolerated within the bake (Argo Rollouts' <c>failureLimit</c>; default 0): the check fails, and
    /// the bake ends, at the sample that makes the failures exceed it.
    /// </summary>
    public int FailureLimit { get; init; }

    /// <summary>
    /// Errors in a row tolerated (default 3): an error (timeout, connection refused, a 5xx from the API server's
    /// proxy itself) is not a failure; the check fails when more than this many come one after the other.
    /// </summary>
    public int ConsecutiveErrorLimit { get; init; } = DefaultConsecutiveErrorLimit;

    /// <summary>The check's own sampling interval, or null for the spec's <see cref="VerifySpec.Interval"/>.</summary>
    public TimeSpan? Interval { get; init; }
}
