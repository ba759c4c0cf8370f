using System.Globalization;
using System.Net;
using HelmSentinel.Text;
using Octokit;
using Polly;

namespace HelmSentinel.Resilience.GitHub;

/// <summary>
/// The retry every GitHub call goes through. Retried: 5xx, 429, primary and secondary rate limits,
/// abuse detection and network failures; the wait is what GitHub asks for (<c>Retry-After</c>, then
/// <c>X-RateLimit-Reset</c>), else exponential back-off with jitter, never above <see cref="GitHubRetryOptions.MaxDelay"/>.
/// Anything else (401, 403 without a rate limit, 404, 422) fails at once.
/// </summary>
public static class GitHubRetry
{
    /// <summary>Builds the pipeline. <paramref name="onRetry"/> hears of every retry before its wait.</summary>
    public static ResiliencePipeline Create(GitHubRetryOptions options, TimeProvider time, Action<string>? onRetry = null) =>
        new ResiliencePipelineBuilder().AddGitHubRetry(options, time, onRetry).Build();

    /// <summary>True for failures worth another attempt.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException => true,
        ApiException api => (int)api.StatusCode is 429 or >= 500,
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>
    /// The wait GitHub asked for, capped at <see cref="GitHubRetryOptions.MaxDelay"/>; null to use the back-off.
    /// <c>Retry-After</c> (seconds or a date) wins; then a rate limit's reset time; a secondary limit without
    /// either waits <see cref="GitHubRetryOptions.SecondaryRateLimitDelay"/>.
    /// </summary>
    public static TimeSpan? RequestedDelay(Exception exception, DateTimeOffset now, GitHubRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        TimeSpan? delay = null;
        if (exception is ApiException api)
        {
            delay = RetryAfter(Header(api, "Retry-After"), now);
            if (delay is null && exception is RateLimitExceededException limit)
            {
                delay = limit.Reset - now;
            }
            else if (delay is null && Header(api, "X-RateLimit-Remaining") == "0"
                && long.TryParse(Header(api, "X-RateLimit-Reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
            {
                delay = DateTimeOffset.FromUnixTimeSeconds(reset) - now;
            }

            if (delay is null && exception is SecondaryRateLimitExceededException or AbuseException)
            {
                delay = options.SecondaryRateLimitDelay;
            }
        }

        if (delay is not { } value)
        {
            return null;
        }

        value = value < TimeSpan.Zero ? TimeSpan.Zero : value;
        return value > options.MaxDelay ? options.MaxDelay : value;
    }

    /// <summary>A <c>Retry-After</c> value (delta seconds or an HTTP date) as a wait from <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date - now
            : null;
    }

    private static string? Header(ApiException exception, string name) =>
        exception.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A failure in a few words for the retry line: the status code and its name, or the exception.</summary>
    internal static string Describe(Exception? exception) => exception switch
    {
        null => "failed",
        ApiException api when api.StatusCode != 0 => $"{(int)api.StatusCode} {(api.StatusCode == (HttpStatusCode)429 ? "Too Many Requests" : api.StatusCode.ToString())}",
        _ => exception.GetType().Name + ": " + TextFormat.OneLine(exception.Message),
    };
}
