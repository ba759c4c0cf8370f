using HelmSentinel.Text;
using Polly;
using Polly.Retry;

namespace HelmSentinel.Resilience.GitHub;

/// <summary>Adds the retry of GitHub API calls to a Polly pipeline.</summary>
public static class GitHubRetryBuilderExtensions
{
    /// <summary>
    /// Retries what <see cref="GitHubRetry.IsTransient"/> calls transient, waiting what GitHub asks for
    /// (<see cref="GitHubRetry.RequestedDelay"/>) or else an exponential back-off with jitter. With no retries
    /// configured, nothing is added.
    /// </summary>
    /// <param name="builder">The pipeline being built.</param>
    /// <param name="options">Attempts and waits.</param>
    /// <param name="time">The clock the waits are measured on (a manual one in tests).</param>
    /// <param name="onRetry">Hears of every retry before its wait, as one line.</param>
    public static ResiliencePipelineBuilder AddGitHubRetry(this ResiliencePipelineBuilder builder, GitHubRetryOptions options, TimeProvider time, Action<string>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        builder.TimeProvider = time;
        if (options.MaxRetries <= 0)
        {
            return builder;
        }

        return builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && GitHubRetry.IsTransient(e)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e ? GitHubRetry.RequestedDelay(e, time.GetUtcNow(), options) : null),
                OnRetry = args =>
                {
                    onRetry?.Invoke(
                        $"GitHub API: {GitHubRetry.Describe(args.Outcome.Exception)} (attempt {args.AttemptNumber + 1} of {options.MaxRetries + 1}); " +
                        $"retrying in {GoDuration.FormatCompact(args.RetryDelay)}");
                    return default;
                },
            });
    }
}
