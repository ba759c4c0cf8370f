using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience.ArgoCd;

/// <summary>Adds the retry of Argo CD REST calls to a Polly pipeline.</summary>
public static class ArgoCdRetryBuilderExtensions
{
    /// <summary>
    /// Retries 429, 5xx and network errors (a reset connection, an <see cref="HttpClient"/> timeout) with exponential
    /// back-off and jitter; a <c>Retry-After</c> header (seconds or a date) wins, capped at
    /// <see cref="ArgoCdRetryOptions.MaxDelay"/>. The response of a retried attempt is disposed. With no retries
    /// configured, nothing is added. 401, 403, 404 and 400 are never retried: another attempt answers the same.
    /// </summary>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="options">Attempts and waits.</param>
    /// <param name="time">The clock the waits are measured on (a manual one in tests).</param>
    /// <param name="onRetry">Hears of every retry before its wait: what failed and how long it waits.</param>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddArgoCdRetry(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder,
        ArgoCdRetryOptions options,
        TimeProvider time,
        Action<string, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        builder.TimeProvider = time;
        if (options.MaxRetries <= 0)
        {
            return builder;
        }

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetries,
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException)
                .HandleResult(r => (int)r.StatusCode is 429 or >= 500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            DelayGenerator = args =>
            {
                var retryAfter = args.Outcome.Result?.Headers.RetryAfter;
                TimeSpan? delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
                if (delay is { } value)
                {
                    value = value < TimeSpan.Zero ? TimeSpan.Zero : value;
                    delay = value < options.MaxDelay ? value : options.MaxDelay;
                }

                return ValueTask.FromResult(delay);
            },
            OnRetry = args =>
            {
                var what = args.Outcome.Result is { } response
                    ? $"{(int)response.StatusCode} {response.ReasonPhrase}"
                    : args.Outcome.Exception?.GetType().Name ?? "failed";
                args.Outcome.Result?.Dispose();
                onRetry?.Invoke(what, args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        });
    }
}
