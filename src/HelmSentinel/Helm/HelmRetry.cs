using HelmSentinel.Resilience.Helm;
using Polly;

namespace HelmSentinel.Helm;

/// <summary>
/// The Polly pipeline every helm call goes through: retries only what <see cref="HelmErrorClassifier"/> calls
/// transient (unreachable API server, throttling, leader changes, …), with exponential back-off and jitter, a
/// bounded number of times. A chart error, a lock or a failed wait is returned at once.
/// </summary>
public static class HelmRetry
{
    /// <summary>Builds the pipeline. <paramref name="onRetry"/> hears of every retry before its delay.</summary>
    public static ResiliencePipeline<HelmProcessResult> Create(HelmRetryOptions options, TimeProvider time, Action<HelmRetryAttempt>? onRetry = null) =>
        new ResiliencePipelineBuilder<HelmProcessResult>()
            .AddHelmRetry(options, time, static result => IsTransientFailure(result) ? result!.ErrorText : null, onRetry)
            .Build();

    /// <summary>True for a finished, failed run whose error text is transient.</summary>
    public static bool IsTransientFailure(HelmProcessResult? result) =>
        result is { Succeeded: false, Cancelled: false } && HelmErrorClassifier.IsTransient(result.StandardError);
}
