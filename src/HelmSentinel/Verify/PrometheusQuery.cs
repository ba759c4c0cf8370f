using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HelmSentinel.Text;

namespace HelmSentinel.Verify;

/// <summary>What an instant query answered, as a check reads it.</summary>
public enum PrometheusAnswerKind
{
    /// <summary>One series: <see cref="PrometheusAnswer.Value"/> holds its sample (NaN and the infinities included).</summary>
    Sample,

    /// <summary>No series at all (a metric nobody exposes, a selector that matches nothing): never read as 0.</summary>
    Empty,

    /// <summary>More than one series: the query must be aggregated (<c>sum</c>, <c>max</c>) to one number.</summary>
    Several,

    /// <summary>The query cannot be evaluated as written (<c>bad_data</c>, <c>execution</c>): asking again will not help.</summary>
    Invalid,

    /// <summary>Prometheus could not be asked or could not answer (refused, timed out, not ready, 5xx): perhaps later.</summary>
    Unavailable,
}

/// <summary>One answer of <see cref="PrometheusQuery.QueryAsync"/>.</summary>
/// <param name="Kind">What the answer is.</param>
/// <param name="Value">The sample, for <see cref="PrometheusAnswerKind.Sample"/>.</param>
/// <param name="Series">How many series came back (vector or matrix), 1 for a scalar.</param>
/// <param name="Message">Why, for every kind but a sample: Prometheus's <c>errorType: error</c>, the HTTP status, the exception.</param>
public sealed record PrometheusAnswer(PrometheusAnswerKind Kind, double? Value, int Series, string? Message)
{
    /// <summary>Formats a sample as Prometheus spells it: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, the shortest decimals that
    /// read back the same, a lower-case exponent (<c>1e-07</c>).</summary>
    /// <param name="value">The sample.</param>
    public static string Format(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        PrometheusAnswerKind.Sample => Format(Value!.Value),
        PrometheusAnswerKind.Empty => "an empty result (no series matched)",
        PrometheusAnswerKind.Several => $"{Series} series (aggregate the query to one number, with sum or max)",
        _ => Message ?? Kind.ToString(),
    };
}

/// <summary>
/// Instant queries against Prometheus's HTTP API (<c>POST /api/v1/query</c>, form-encoded, as long queries need): the
/// answer as one number, or why there is none. Sample values come as JSON strings and are parsed in the invariant
/// culture, <c>NaN</c>, <c>+Inf</c> and <c>-Inf</c> by hand. A server that is not ready yet answers 503 in plain text;
/// errors are the JSON envelope <c>{"status":"error","errorType":...,"error":...}</c>.
/// </summary>
/// <param name="http">The client to send with; its timeout bounds each query.</param>
/// <param name="baseAddress">Prometheus's root (<c>http://prometheus:9090/</c>, or an API server proxy path ending in <c>/</c>).</param>
/// <param name="bearerToken">Sent as <c>Authorization: Bearer</c> when given; the caller masks it.</param>
public sealed class PrometheusQuery(HttpClient http, Uri baseAddress, string? bearerToken = null)
{
    /// <summary>Evaluates <paramref name="query"/> at the server's current time (or at <paramref name="at"/>).</summary>
    /// <param name="query">PromQL.</param>
    /// <param name="at">The evaluation time; the server's now when null.</param>
    /// <param name="cancellationToken">Cancels the request; a cancelled query throws, it is not an answer.</param>
    public async Task<PrometheusAnswer> QueryAsync(string query, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var form = new List<KeyValuePair<string, string>> { new("query", query) };
        if (at is { } time)
        {
            form.Add(new("time", (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "api/v1/query")) { Content = new FormUrlEncodedContent(form) };
        if (bearerToken is { Length: > 0 })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return Unavailable("Prometheus could not be reached: " + e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable($"Prometheus did not answer within {http.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
        }

        return Read(status, body);
    }

    /// <summary>Reads an answer of <c>/api/v1/query</c>: the status code and the body as the server sent them.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body.</param>
    public static PrometheusAnswer Read(HttpStatusCode status, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // Not ready yet (plain "Service Unavailable"), or something else than Prometheus answered.
            return Unavailable($"HTTP {(int)status}: {TextFormat.Cut(TextFormat.OneLine(body), 200, "…")}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var state))
            {
                return Unavailable($"HTTP {(int)status}: not a Prometheus API answer");
            }

            if (state.GetString() != "success")
            {
                var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
                var message = $"{type ?? "error"}: {(root.TryGetProperty("error", out var e) ? e.GetString() : "(no message)")}";
                return type is "bad_data" or "execution" or "not_found"
                    ? new PrometheusAnswer(PrometheusAnswerKind.Invalid, null, 0, message)
                    : Unavailable(message);
            }

            var data = root.GetProperty("data");
            var result = data.GetProperty("result");
            switch (data.GetProperty("resultType").GetString())
            {
                case "scalar":
                    return Sample(result[1]);
                case "vector" or "matrix":
                    var series = result.GetArrayLength();
                    if (series == 0)
                    {
                        return new PrometheusAnswer(PrometheusAnswerKind.Empty, null, 0, null);
                    }

                    if (series > 1)
                    {
                        return new PrometheusAnswer(PrometheusAnswerKind.Several, null, series, null);
                    }

                    var only = result[0];
                    return only.TryGetProperty("value", out var value)
                        ? Sample(value[1])
                        : new PrometheusAnswer(PrometheusAnswerKind.Invalid, null, 1, "the query returns a range (matrix); a check needs an instant vector or a scalar");
                default:
                    return new PrometheusAnswer(PrometheusAnswerKind.Invalid, null, 0, "the query returns a string; a check needs a number");
            }
        }
    }

    /// <summary>Parses a sample value as Prometheus writes it: a decimal or exponent string, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.</summary>
    /// <param name="text">The value string.</param>
    public static double? ParseValue(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };

    private static PrometheusAnswer Sample(JsonElement value) =>
        ParseValue(value.ValueKind == JsonValueKind.String ? value.GetString() : null) is { } v
            ? new PrometheusAnswer(PrometheusAnswerKind.Sample, v, 1, null)
            : new PrometheusAnswer(PrometheusAnswerKind.Invalid, null, 1, "the sample value is not a number: " + value.GetRawText());

    private static PrometheusAnswer Unavailable(string message) => new(PrometheusAnswerKind.Unavailable, null, 0, message);
}
