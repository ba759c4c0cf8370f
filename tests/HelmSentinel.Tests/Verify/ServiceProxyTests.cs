using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

public sealed class ServiceProxyTests
{
    [Theory]
    [InlineData("https://k8s.example:6443", "web", "http", "/healthz", "https://k8s.example:6443/api/v1/namespaces/demo/services/web:http/proxy/healthz")]
    [InlineData("https://k8s.example:6443/", "web", "8080", "/", "https://k8s.example:6443/api/v1/namespaces/demo/services/web:8080/proxy/")]
    [InlineData("https://rancher.example/k8s/clusters/c-1", "web", "http", "/a/b/", "https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/demo/services/web:http/proxy/a/b/")]
    [InlineData("https://rancher.example/k8s/clusters/c-1/?x=1", "web", "http", "/healthz", "https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/demo/services/web:http/proxy/healthz")]
    [InlineData("https://k8s.example", "web", "https", "/healthz", "https://k8s.example/api/v1/namespaces/demo/services/https:web:https/proxy/healthz")]
    [InlineData("https://k8s.example", "web", "443", "/healthz", "https://k8s.example/api/v1/namespaces/demo/services/https:web:443/proxy/healthz")]
    [InlineData("https://k8s.example", "web", "https-admin", "/", "https://k8s.example/api/v1/namespaces/demo/services/https:web:https-admin/proxy/")]
    [InlineData("https://k8s.example", "web", "http", "/a b/ü/x%2Fy?q=a b&r=/s", "https://k8s.example/api/v1/namespaces/demo/services/web:http/proxy/a%20b/%C3%BC/x%2Fy?q=a%20b&r=/s")]
    public void TheProxyUrl_KeepsThePrefix_AndEscapesEachSegment(string apiServer, string name, string port, string path, string expected)
    {
        var url = CheckProbes.ServiceProxy(new Uri(apiServer), "demo", new ServiceReference(null, name, port), path);

        url.AbsoluteUri.Should().Be(expected);
    }

    [Fact]
    public void TheServicesOwnNamespace_WinsOverTheReleases()
    {
        var url = CheckProbes.ServiceProxy(new Uri("https://k8s.example"), "demo", new ServiceReference("monitoring", "prometheus", "9090"), "/");

        url.AbsoluteUri.Should().Be("https://k8s.example/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/");
    }

    [Theory]
    [InlineData("/../../secrets")]
    [InlineData("/a/./b")]
    [InlineData("/%2e%2e/x")]
    [InlineData("healthz")]
    public void APathThatWouldLeaveTheProxy_OrIsNotAPath_IsRefused(string path)
    {
        var act = () => CheckProbes.ServiceProxy(new Uri("https://k8s.example"), "demo", new ServiceReference(null, "web", "http"), path);

        act.Should().Throw<ArgumentException>();
    }
}
