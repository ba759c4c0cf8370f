using System.Globalization;
using System.Text;
using System.Text.Json;
using HelmSentinel.Text;

namespace HelmSentinel.Verify;

/// <summary>
/// Samples an <see cref="HttpCheck"/>: one request to the target, judged by status, then body text or the number at
/// the JSON path. See <see cref="CheckProbes.Http"/> for the rules.
/// </summary>
internal sealed class HttpProbe(HttpCheck check, HttpClient http, Uri target) : ICheckProbe
{
    /// <summary>The most of a body read (in characters): enough for any health answer, bounded for a misbehaving one.</summary>
    internal const int BodyLimit = 1 << 20;

    private const int QuoteLength = 80;

    private readonly IReadOnlyList<object>? _steps = check.JsonPath is { } path ? JsonPathSyntax.Steps(path) : null;

    /// <summary><c>GET /healthz</c>: the method and the path as the document wrote it (a full URL without its query,
    /// which may carry a secret).</summary>
    private string Label => check.Method + " " + (check.Service is not null ? check.Path : target.GetLeftPart(UriPartial.Path));

    public async Task<CheckSample> SampleAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.Timeout);
        int status;
        string body;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(check.Method), target);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await ReadAsync(response.Content, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Error($"{Label} did not answer within {GoDuration.FormatCompact(check.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return Error($"{Label} could not be sent: {e.Message}");
        }

        return Judge(status, body);
    }

    private static CheckSample Error(string message) => new(SampleKind.Error, null, message);

    private static async Task<string> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[8192];
            var text = new StringBuilder();
            int read;
            while (text.Length < BodyLimit && (read = await reader.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, BodyLimit - text.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                text.Append(buffer, 0, read);
            }

            return text.ToString();
        }
    }

    /// <summary>The message of a Kubernetes <c>Status</c> object (the API server speaking, not the app), or null.</summary>
    private static string? StatusMessage(string body)
    {
        if (!body.TrimStart().StartsWith('{') || !body.Contains("\"Status\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Status"
                ? root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() ?? "" : "(no message)"
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Quote(string text) => "\"" + TextFormat.Cut(TextFormat.OneLine(text), QuoteLength, "…") + "\"";

    private CheckSample Judge(int status, string body)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (status >= 500 && StatusMessage(body) is { } apiServer)
        {
            return new CheckSample(SampleKind.Error, code, $"{Label}: the API server answered {code}: {apiServer}");
        }

        if (!check.ExpectStatus.Any(s => s.Matches(status)))
        {
            return new CheckSample(SampleKind.Failed, code, $"{Label} answered {code} (expected {string.Join(", ", check.ExpectStatus)})");
        }

        if (check.BodyContains is { } wanted && !body.Contains(wanted, StringComparison.Ordinal))
        {
            return new CheckSample(SampleKind.Failed, code, $"{Label} answered {code} without {Quote(wanted)} in its body");
        }

        if (check.SuccessCondition is not { } condition || _steps is null)
        {
            return new CheckSample(SampleKind.Passed, code, $"{Label} answered {code}");
        }

        return JudgeJson(code, body, condition);
    }

    private CheckSample JudgeJson(string code, string body, Condition condition)
    {
        var path = check.JsonPath!;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new CheckSample(SampleKind.Inconclusive, code, $"{Label} answered {code} with a body that is not JSON, so {path} cannot be read");
        }

        using (json)
        {
            if (JsonPathSyntax.Select(json.RootElement, _steps!) is not { } value)
            {
                return new CheckSample(SampleKind.Inconclusive, code, $"{Label} answered {code} with nothing at {path}");
            }

            double? number = value.ValueKind switch
            {
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String => PrometheusQuery.ParseValue(value.GetString()?.Trim()),
                _ => null,
            };
            if (number is not { } result)
            {
                var raw = value.GetRawText();
                return new CheckSample(SampleKind.Inconclusive, TextFormat.Cut(raw, QuoteLength, "…"),
                    $"{Label}: {path} is {TextFormat.Cut(TextFormat.OneLine(raw), QuoteLength, "…")}, not a number, so {condition.Text} cannot be judged");
            }

            var evaluation = condition.Evaluate(result, null);
            var kind = evaluation.Verdict switch
            {
                ConditionVerdict.Met => SampleKind.Passed,
                ConditionVerdict.NotMet => SampleKind.Failed,
                _ => SampleKind.Inconclusive,
            };
            return new CheckSample(kind, PrometheusAnswer.Format(result), $"{Label}: {path} {evaluation.Reason}");
        }
    }
}
