namespace HelmSentinel.Resilience.Helm;

/// <summary>How persistently transient helm failures are retried.</summary>
public sealed record HelmRetryOptions
{
    /// <summary>Retries after the first attempt (so attempts = retries + 1).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first back-off delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>No single back-off is longer than this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Spread the delays randomly so that many jobs hitting one API server do not retry in step.</summary>
    public bool UseJitter { get; init; } = true;
}

/// <summary>One retry about to happen.</summary>
/// <param name="FailedAttempt">The attempt that just failed (1-based).</param>
/// <param name="MaxAttempts">Attempts allowed in all.</param>
/// <param name="Delay">The back-off before the next attempt.</param>
/// <param name="Error">The transient error text.</param>
public sealed record HelmRetryAttempt(int FailedAttempt, int MaxAttempts, TimeSpan Delay, string Error);
