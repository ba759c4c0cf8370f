namespace HelmSentinel.Resilience.Git;

/// <summary>How persistently git's calls to a remote (fetch, ls-remote, push) are retried after a transient failure.</summary>
public sealed record GitRemoteRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first back-off; it doubles on each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Options that wait <paramref name="delay"/> at most between attempts (tests use milliseconds).</summary>
    public static GitRemoteRetryOptions Fast(TimeSpan delay) => new() { BaseDelay = delay, MaxDelay = delay };
}
