namespace HelmSentinel.Resilience.ArgoCd;

/// <summary>How the Argo CD REST calls are retried: 429, 5xx and network errors (a reset connection, a timeout),
/// exponential back-off with jitter (a <c>Retry-After</c> header wins, capped at <see cref="MaxDelay"/>).</summary>
public sealed record ArgoCdRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first back-off; it doubles on each retry.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, even when the server asks for more.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
}
