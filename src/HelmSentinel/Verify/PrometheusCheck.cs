namespace HelmSentinel.Verify;

/// <summary>
/// A PromQL instant query per sample, judged by <see cref="SuccessCondition"/> with <c>result</c> the query's single
/// sample and <c>baseline</c> the same query evaluated once before the upgrade. A query that returns several series is
/// inconclusive (aggregate it with <c>sum</c> or <c>max</c>); an empty result or NaN follows <see cref="OnEmpty"/>.
/// Prometheus is reached at <see cref="Url"/> or through the API server's proxy to <see cref="Service"/>; exactly one
/// of the two is set.
/// </summary>
public sealed record PrometheusCheck : VerifyCheck
{
    /// <summary>The query timeout when the document gives none: ten seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public override string Kind => "prometheus";

    /// <summary>Prometheus' base URL (http or https, without user information); null when <see cref="Service"/> is set.</summary>
    public Uri? Url { get; init; }

    /// <summary>Prometheus' Service port, reached through the API server's proxy; null when <see cref="Url"/> is set.</summary>
    public ServiceReference? Service { get; init; }

    /// <summary>The PromQL query.</summary>
    public required string Query { get; init; }

    /// <summary>The name (not the value) of the environment variable that holds a bearer token, or null for none.
    /// The parser checks that it is set; whoever reads it masks it.</summary>
    public string? BearerTokenSecret { get; init; }

    /// <summary>The condition a sample must meet.</summary>
    public required Condition SuccessCondition { get; init; }

    /// <summary>What an empty result or NaN means (default inconclusive).</summary>
    public EmptyResultPolicy OnEmpty { get; init; } = EmptyResultPolicy.Inconclusive;

    /// <summary>The time one query may take (default 10 s).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
