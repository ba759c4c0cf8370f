using HelmSentinel.Text;
using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience.Git;

/// <summary>Adds the retry of git's calls to a remote to a Polly pipeline.</summary>
public static class GitRemoteRetryBuilderExtensions
{
    /// <summary>
    /// Retries the results whose stderr <see cref="GitRemoteError.Classify"/> calls transient, with exponential back-off
    /// and jitter. With no retries configured, nothing is added.
    /// </summary>
    /// <typeparam name="T">The result of one git run.</typeparam>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="options">Attempts and waits.</param>
    /// <param name="time">The clock the waits are measured on (a manual one in tests).</param>
    /// <param name="standardErrorOf">The stderr of a failed run; null for a run that succeeded.</param>
    /// <param name="onRetry">Hears of every retry before its wait, as one line.</param>
    public static ResiliencePipelineBuilder<T> AddGitRemoteRetry<T>(
        this ResiliencePipelineBuilder<T> builder, GitRemoteRetryOptions options, TimeProvider time, Func<T, string?> standardErrorOf, Action<string>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(standardErrorOf);
        builder.TimeProvider = time;
        if (options.MaxRetries <= 0)
        {
            return builder;
        }

        return builder.AddRetry(new RetryStrategyOptions<T>
        {
            MaxRetryAttempts = options.MaxRetries,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Result is { } result && GitRemoteError.Classify(standardErrorOf(result)) == GitRemoteErrorKind.Transient),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            OnRetry = args =>
            {
                var error = args.Outcome.Result is { } result ? TextFormat.FirstLine(standardErrorOf(result) ?? "") : "failed";
                onRetry?.Invoke($"git: {error} (attempt {args.AttemptNumber + 1} of {options.MaxRetries + 1}); retrying in {GoDuration.FormatCompact(args.RetryDelay)}");
                return default;
            },
        });
    }
}
