namespace HelmSentinel.Resilience.GitHub;

/// <summary>How persistently GitHub API calls are retried.</summary>
public sealed record GitHubRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first back-off when GitHub does not say how long to wait; later ones double, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after a secondary rate limit that names no time (GitHub asks for at least a minute).</summary>
    public TimeSpan SecondaryRateLimitDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>No single wait is longer than this, whatever <c>Retry-After</c> says: reporting must not hold the job.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Options that wait <paramref name="delay"/> at most between attempts (tests use milliseconds).</summary>
    public static GitHubRetryOptions Fast(TimeSpan delay) => new() { BaseDelay = delay, SecondaryRateLimitDelay = delay, MaxDelay = delay };
}
