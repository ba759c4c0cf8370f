using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience.Helm;

/// <summary>Adds the retry of transient helm failures to a Polly pipeline.</summary>
public static class HelmRetryBuilderExtensions
{
    /// <summary>
    /// Retries a result that <paramref name="transientError"/> calls transient (it returns the error text then, null
    /// otherwise), with exponential back-off and optional jitter, at most <see cref="HelmRetryOptions.MaxRetries"/>
    /// times. Anything else is returned at once. With no retries configured, nothing is added.
    /// </summary>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="options">Attempts and delays.</param>
    /// <param name="time">The clock the delays are measured on (a manual one in tests).</param>
    /// <param name="transientError">The error text of a result worth another attempt; null for any other result.</param>
    /// <param name="onRetry">Hears of every retry before its delay.</param>
    public static ResiliencePipelineBuilder<TResult> AddHelmRetry<TResult>(
        this ResiliencePipelineBuilder<TResult> builder,
        HelmRetryOptions options,
        TimeProvider time,
        Func<TResult?, string?> transientError,
        Action<HelmRetryAttempt>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(transientError);
        builder.TimeProvider = time;
        if (options.MaxRetries <= 0)
        {
            return builder;
        }

        return builder.AddRetry(new RetryStrategyOptions<TResult>
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && transientError(args.Outcome.Result) is not null),
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
                    transientError(args.Outcome.Result) ?? args.Outcome.Exception?.Message ?? ""));
                return default;
            },
        });
    }
}
