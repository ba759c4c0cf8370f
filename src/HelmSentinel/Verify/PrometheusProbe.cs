using HelmSentinel.Text;

namespace HelmSentinel.Verify;

/// <summary>
/// Samples a <see cref="PrometheusCheck"/>: its query, judged by its condition with the baseline captured before the
/// upgrade. Made by <see cref="CheckProbes.Prometheus"/>, which gives the rules.
/// </summary>
public sealed class PrometheusProbe : ICheckProbe, IBaselineProbe
{
    private readonly PrometheusCheck _check;
    private readonly PrometheusQuery _query;

    internal PrometheusProbe(PrometheusCheck check, PrometheusQuery query)
    {
        _check = check;
        _query = query;
    }

    /// <summary>The baseline as text (<see cref="PrometheusAnswer.Format"/>), or null when none was captured or the query had no number then.</summary>
    public string? Baseline => BaselineValue is { } value ? PrometheusAnswer.Format(value) : null;

    /// <summary>The baseline, or null: a query that returned nothing, NaN, several series or no answer before the upgrade has none.</summary>
    public double? BaselineValue { get; private set; }

    /// <summary>
    /// What the query answered before the upgrade, or null before <see cref="CaptureBaselineAsync"/>. An
    /// <see cref="PrometheusAnswerKind.Invalid"/> answer means the query can never pass: the caller may refuse to
    /// upgrade rather than roll back afterwards.
    /// </summary>
    public PrometheusAnswer? BaselineAnswer { get; private set; }

    /// <inheritdoc/>
    /// <remarks>A timeout is an answer (unavailable), not an exception; only <paramref name="cancellationToken"/> throws.</remarks>
    public async Task<string?> CaptureBaselineAsync(CancellationToken cancellationToken)
    {
        var answer = await QueryAsync(cancellationToken).ConfigureAwait(false);
        BaselineAnswer = answer;
        BaselineValue = answer is { Kind: PrometheusAnswerKind.Sample, Value: { } value } && !double.IsNaN(value) ? value : null;
        return Baseline;
    }

    /// <inheritdoc/>
    public async Task<CheckSample> SampleAsync(CancellationToken cancellationToken)
    {
        var answer = await QueryAsync(cancellationToken).ConfigureAwait(false);
        return answer.Kind switch
        {
            PrometheusAnswerKind.Sample when double.IsNaN(answer.Value!.Value) => OnEmpty("NaN", "the query returned NaN (0/0: no traffic to judge?)"),
            PrometheusAnswerKind.Sample => Judge(answer.Value!.Value),
            PrometheusAnswerKind.Empty => OnEmpty(null, "the query returned no series"),
            PrometheusAnswerKind.Several => new CheckSample(SampleKind.Inconclusive, null,
                $"the query returns {TextFormat.Number(answer.Series)} series: aggregate it (sum, max)"),
            PrometheusAnswerKind.Invalid => new CheckSample(SampleKind.Failed, null, "the query cannot be evaluated: " + answer.Message),
            _ => new CheckSample(SampleKind.Error, null, answer.Message ?? "Prometheus did not answer"),
        };
    }

    private async Task<PrometheusAnswer> QueryAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_check.Timeout);
        try
        {
            return await _query.QueryAsync(_check.Query, null, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PrometheusAnswer(PrometheusAnswerKind.Unavailable, null, 0, $"Prometheus did not answer within {GoDuration.FormatCompact(_check.Timeout)}");
        }
    }

    private CheckSample Judge(double result)
    {
        var evaluation = _check.SuccessCondition.Evaluate(result, BaselineValue);
        var kind = evaluation.Verdict switch
        {
            ConditionVerdict.Met => SampleKind.Passed,
            ConditionVerdict.NotMet => SampleKind.Failed,
            _ => SampleKind.Inconclusive,
        };
        return new CheckSample(kind, PrometheusAnswer.Format(result), evaluation.Reason);
    }

    private CheckSample OnEmpty(string? value, string message) => _check.OnEmpty switch
    {
        EmptyResultPolicy.Pass => new CheckSample(SampleKind.Passed, value, message + " (onEmpty: pass)"),
        EmptyResultPolicy.Fail => new CheckSample(SampleKind.Failed, value, message + " (onEmpty: fail)"),
        _ => new CheckSample(SampleKind.Inconclusive, value, message),
    };
}
