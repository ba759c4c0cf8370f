using System.Text.RegularExpressions;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Verify.Prometheus;

/// <summary>The test Prometheus's generated config and command line, as text and lists (no process).</summary>
public sealed partial class PrometheusConfigTests
{
    [Fact]
    public void Yaml_HasOneJobPerTarget_WithItsSchemePathAndHostPort_AtOneSecond()
    {
        var yaml = PrometheusConfig.Yaml(
        [
            new ScrapeTarget("app", new Uri("http://127.0.0.1:8080/metrics")),
            ScrapeTarget.ServiceProxy("web", new Uri("https://127.0.0.1:6443"), "demo", "web", "http"),
        ]);

        yaml.Should().Be("""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: "app"
                scheme: http
                metrics_path: "/metrics"
                static_configs:
                  - targets: ["127.0.0.1:8080"]
              - job_name: "web"
                scheme: https
                metrics_path: "/api/v1/namespaces/demo/services/web:http/proxy/metrics"
                static_configs:
                  - targets: ["127.0.0.1:6443"]

            """);
    }

    [Fact]
    public void Yaml_WithoutTargets_HasAnEmptyList()
    {
        PrometheusConfig.Yaml([]).Should().EndWith("scrape_configs: []\n");
    }

    [Fact]
    public void Yaml_RefusesTwoTargetsOfOneJob()
    {
        var act = () => PrometheusConfig.Yaml(
            [new ScrapeTarget("app", new Uri("http://127.0.0.1:1/a")), new ScrapeTarget("app", new Uri("http://127.0.0.1:2/b"))]);

        act.Should().Throw<ArgumentException>().WithMessage("Job 'app' is named by 2 scrape targets*");
    }

    [Fact]
    public void ServiceProxy_KeepsTheApiServersPathPrefix_AndEscapesTheNames()
    {
        var target = ScrapeTarget.ServiceProxy("web", new Uri("https://rancher.example/k8s/clusters/c-1"), "my ns", "web", "9090", "/stats/prometheus");

        target.MetricsUrl.AbsoluteUri.Should().Be("https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/my%20ns/services/web:9090/proxy/stats/prometheus");
        target.HostAndPort.Should().Be("rancher.example:443", "the default port is written out");
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/metrics")]
    [InlineData("http://127.0.0.1:1/metrics?format=text")]
    [InlineData("http://user:pw@127.0.0.1:1/metrics")]
    public void ScrapeTarget_RefusesWhatAMetricsPathCannotSay(string url)
    {
        var act = () => new ScrapeTarget("app", new Uri(url));

        act.Should().Throw<ArgumentException>().WithMessage("Scrape target 'app': *");
    }

    [Fact]
    public void Arguments_KeepEverythingInTheTempFolder_AndListenOnLoopbackOnly()
    {
        PrometheusServer.Arguments("/tmp/p", 9123).Should().Equal(
            "--config.file=/tmp/p/prometheus.yml",
            "--storage.tsdb.path=/tmp/p/data",
            "--web.listen-address=127.0.0.1:9123");
    }

    [Fact]
    public void FetchTools_UnpacksThePinnedPrometheus_WhereToolsLooksForIt()
    {
        var script = File.ReadAllText(Path.Combine(Tools.RepoRoot, ".ci", "fetch-tools.sh"));

        PromVersion().Match(script).Groups["version"].Value.Should().Be(Tools.PrometheusVersion);
        script.Should().Contain("prom_dest=$tools/prometheus-$prom_version").And.Contain("prom_bin=$prom_dest/usr/bin/prometheus");
    }

    [GeneratedRegex("^prom_version=(?<version>\\S+)$", RegexOptions.Multiline)]
    private static partial Regex PromVersion();
}
