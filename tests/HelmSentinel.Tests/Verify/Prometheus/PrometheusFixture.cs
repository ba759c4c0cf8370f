using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Verify.Prometheus;

/// <summary>
/// One real Prometheus per test class, scraping one <see cref="ExpositionEndpoint"/> twice: as job <c>app</c> at
/// <c>/metrics</c>, and as job <c>proxied</c> at the path a Kubernetes API server's service proxy has
/// (<c>/api/v1/namespaces/demo/services/web:http/proxy/metrics</c>). Without the pinned binary it fails every test
/// of the class (<see cref="Tools.Prometheus"/> says to run .ci/fetch-tools.sh); it never skips.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    /// <summary>The proxied job's metrics path.</summary>
    public const string ProxyPath = "/api/v1/namespaces/demo/services/web:http/proxy/metrics";

    public ExpositionEndpoint App { get; private set; } = null!;

    public PrometheusServer Prometheus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await ExpositionEndpoint.StartAsync();
        try
        {
            Prometheus = await PrometheusServer.StartAsync(
            [
                new ScrapeTarget("app", new Uri(App.BaseAddress, "metrics")),
                ScrapeTarget.ServiceProxy("proxied", App.BaseAddress, "demo", "web", "http"),
            ]);
        }
        catch
        {
            // A fixture whose start throws is not disposed by xunit.
            await App.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
