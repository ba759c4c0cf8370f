using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HelmSentinel.TestSupport;

/// <summary>The prometheus.yml a test's <see cref="PrometheusServer"/> runs with: pure, so it is tested as text.</summary>
public static class PrometheusConfig
{
    /// <summary>How often every target is scraped and rules are evaluated.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // JSON strings are YAML double-quoted scalars; relaxed escaping keeps '+', '<' and '&' readable in the file.
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A global 1 s scrape and evaluation interval and one job per target, with its scheme, metrics path and
    /// one static <c>host:port</c>.</summary>
    /// <remarks>The scrape timeout is written out although 2.42 would clamp an unset one to the interval: a timeout
    /// longer than the interval is a config error (prometheus exits 2, "scrape timeout greater than scrape interval
    /// for scrape config with job name ..."), so the file says what it relies on.</remarks>
    public static string Yaml(IEnumerable<ScrapeTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var list = targets.ToList();
        var duplicate = list.GroupBy(t => t.Job, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Job '{duplicate.Key}' is named by {duplicate.Count()} scrape targets; job names must be unique.", nameof(targets));
        }

        var seconds = $"{(int)Interval.TotalSeconds}s";
        var yaml = new StringBuilder()
            .Append("global:\n")
            .Append("  scrape_interval: ").Append(seconds).Append('\n')
            .Append("  scrape_timeout: ").Append(seconds).Append('\n')
            .Append("  evaluation_interval: ").Append(seconds).Append('\n')
            .Append("scrape_configs:");
        if (list.Count == 0)
        {
            return yaml.Append(" []\n").ToString();
        }

        yaml.Append('\n');
        foreach (var target in list)
        {
            yaml.Append("  - job_name: ").Append(Quote(target.Job)).Append('\n')
                .Append("    scheme: ").Append(target.Scheme).Append('\n')
                .Append("    metrics_path: ").Append(Quote(target.MetricsPath)).Append('\n')
                .Append("    static_configs:\n")
                .Append("      - targets: [").Append(Quote(target.HostAndPort)).Append("]\n");
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, Quoting);
}
