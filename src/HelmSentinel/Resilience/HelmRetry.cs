using HelmSentinel.Helm;
using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience;

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

/// <summary>
/// The Polly pipeline every helm call goes through: retries only what <see cref="HelmErrorClassifier"/>
/// calls transient (unreachable API server, throttling, leader changes, …), with exponential back-off
/// and jitter, a bounded number of times. A chart error, a lock or a failed wait is returned at once.
/// </summary>
public static class HelmRetry
{
    /// <summary>Builds the pipeline. <paramref name="onRetry"/> hears of every retry before its delay.</summary>
    public static ResiliencePipeline<HelmProcessResult> Create(HelmRetryOptions options, TimeProvider time, Action<HelmRetryAttempt>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.MaxRetries <= 0)
        {
            return ResiliencePipeline<HelmProcessResult>.Empty;
        }

        return new ResiliencePipelineBuilder<HelmProcessResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HelmProcessResult>
            {
                ShouldHandle = static args => ValueTask.FromResult(IsTransientFailure(args.Outcome.Result)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    onRetry?.Invoke(new HelmRetryAttempt(
                        args.AttemptNumber + 1,
                        options.MaxRetries + 1,
                        args.RetryDelay,
                        args.Outcome.Result?.ErrorText ?? args.Outcome.Exception?.Message ?? ""));
                    return default;
                },
            })
            .Build();
    }

    /// <summary>True for a finished, failed run whose error text is transient.</summary>
    public static bool IsTransientFailure(HelmProcessResult? result) =>
        result is { Succeeded: false, Cancelled: false } && HelmErrorClassifier.IsTransient(result.StandardError);
}

/// <summary>One retry about to happen.</summary>
/// <param name="FailedAttempt">The attempt that just failed (1-based).</param>
/// <param name="MaxAttempts">Attempts allowed in all.</param>
/// <param name="Delay">The back-off before the next attempt.</param>
/// <param name="Error">The transient error text.</param>
public sealed record HelmRetryAttempt(int FailedAttempt, int MaxAttempts, TimeSpan Delay, string Error);
