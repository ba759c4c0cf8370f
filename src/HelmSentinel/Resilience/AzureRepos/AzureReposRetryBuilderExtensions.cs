using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience.AzureRepos;

/// <summary>Adds the retry of Azure DevOps REST calls to a Polly pipeline.</summary>
public static class AzureReposRetryBuilderExtensions
{
    /// <summary>
    /// Retries 429, 5xx and network errors with exponential back-off and jitter; a <c>Retry-After</c> header wins,
    /// capped at <see cref="AzureRestRetryOptions.MaxDelay"/>. The response of a retried attempt is disposed. With
    /// no retries configured, nothing is added.
    /// </summary>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="options">Attempts and waits.</param>
    /// <param name="time">The clock the waits are measured on (a manual one in tests).</param>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAzureReposRetry(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, AzureRestRetryOptions options, TimeProvider time)
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
                .HandleResult(r => (int)r.StatusCode is 429 or >= 500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            DelayGenerator = args =>
            {
                var retryAfter = args.Outcome.Result?.Headers.RetryAfter?.Delta;
                return ValueTask.FromResult<TimeSpan?>(retryAfter is { } delay ? (delay < options.MaxDelay ? delay : options.MaxDelay) : null);
            },
            OnRetry = args =>
            {
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        });
    }
}
