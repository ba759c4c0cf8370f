using System.Globalization;

namespace HelmSentinel.TestSupport;

/// <summary>
/// One thing a test's Prometheus scrapes: a job name and the full URL of its metrics. The URL's path is used as it is
/// (Prometheus's <c>metrics_path</c>), so it may be anything, a Kubernetes API server's service proxy path included.
/// </summary>
public sealed record ScrapeTarget
{
    /// <param name="job">The job name: the <c>job</c> label of every series scraped from it; unique per server.</param>
    /// <param name="metricsUrl">An absolute http or https URL without query, fragment or user info.</param>
    public ScrapeTarget(string job, Uri metricsUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(job);
        ArgumentNullException.ThrowIfNull(metricsUrl);
        if (!metricsUrl.IsAbsoluteUri || metricsUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Scrape target '{job}': '{metricsUrl}' is not an absolute http or https URL.", nameof(metricsUrl));
        }

        // Prometheus escapes a '?' written into metrics_path; query parameters would need its `params` setting instead.
        if (metricsUrl.Query.Length > 0 || metricsUrl.Fragment.Length > 0 || metricsUrl.UserInfo.Length > 0)
        {
            throw new ArgumentException($"Scrape target '{job}': '{metricsUrl}' has a query, fragment or user info; give a plain path.", nameof(metricsUrl));
        }

        Job = job;
        MetricsUrl = metricsUrl;
    }

    public string Job { get; }

    public Uri MetricsUrl { get; }

    /// <summary>Prometheus's <c>scheme</c>: http or https.</summary>
    public string Scheme => MetricsUrl.Scheme;

    /// <summary>The static target, <c>host:port</c> (the port written even when it is the scheme's default).</summary>
    public string HostAndPort => MetricsUrl.Host + ":" + MetricsUrl.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Prometheus's <c>metrics_path</c>: the URL's path, as escaped in the URL.</summary>
    public string MetricsPath => MetricsUrl.AbsolutePath;

    /// <summary>A service's metrics through the Kubernetes API server's service proxy:
    /// <c>{apiServer}/api/v1/namespaces/{ns}/services/{service}:{port}/proxy{path}</c>.</summary>
    public static ScrapeTarget ServiceProxy(string job, Uri apiServer, string ns, string service, string port, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(apiServer);
        ArgumentException.ThrowIfNullOrWhiteSpace(ns);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(port);
        ArgumentNullException.ThrowIfNull(path);
        var relative = $"api/v1/namespaces/{Uri.EscapeDataString(ns)}/services/{Uri.EscapeDataString(service)}:{Uri.EscapeDataString(port)}/proxy/{path.TrimStart('/')}";
        var root = apiServer.AbsoluteUri.EndsWith('/') ? apiServer : new Uri(apiServer.AbsoluteUri + "/");
        return new ScrapeTarget(job, new Uri(root, relative));
    }
}
