using System.Globalization;
using System.Text;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>One series of <c>http_requests_total</c>: the requests answered with <paramref name="Code"/> to <paramref name="Method"/>.</summary>
/// <param name="Method">The request method, as sent.</param>
/// <param name="Code">The status code answered.</param>
/// <param name="Count">How many.</param>
internal sealed record RequestCount(string Method, int Code, long Count);

/// <summary>A simulated app's <c>/metrics</c> page in the Prometheus text exposition format (version 0.0.4): strings in, string out.</summary>
internal static class AppMetrics
{
    /// <summary>The content type Prometheus expects for the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// The page: <c>http_requests_total</c> with the pod's <paramref name="labels"/> (sorted by name) and <c>code</c>,
    /// <c>method</c> on every series, one series per method and code, in that order.
    /// </summary>
    public static string Format(IReadOnlyDictionary<string, string> labels, IEnumerable<RequestCount> counts)
    {
        var text = new StringBuilder();
        text.Append("# HELP http_requests_total HTTP requests answered by the app, by method and status code: requests through the API server proxy plus the simulator's synthetic traffic.\n");
        text.Append("# TYPE http_requests_total counter\n");
        foreach (var series in counts.Where(c => c.Count > 0).OrderBy(c => c.Method, StringComparer.Ordinal).ThenBy(c => c.Code))
        {
            var all = new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal)
            {
                ["code"] = series.Code.ToString(CultureInfo.InvariantCulture),
                ["method"] = series.Method,
            };
            text.Append("http_requests_total{")
                .AppendJoin(',', all.Select(l => $"{l.Key}=\"{Escape(l.Value)}\""))
                .Append("} ")
                .Append(series.Count.ToString(CultureInfo.InvariantCulture))
                .Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A label value as the format requires: backslash, double quote and line feed escaped.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
