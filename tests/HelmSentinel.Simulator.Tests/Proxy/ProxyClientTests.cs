using HelmSentinel.TestSupport;
using k8s;
using k8s.Autorest;

namespace HelmSentinel.Simulator.Tests.Proxy;

public sealed class ProxyClientTests : IAsyncLifetime
{
    private readonly IsolatedHome _home = new();
    private ProxySession _session = null!;

    public async Task InitializeAsync()
    {
        _session = await ProxySession.StartAsync();
        _home.Environment["KUBECONFIG"] = _session.Simulator.WriteKubeconfig(Path.Combine(_home.Root, "kubeconfig"));
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task Kubectl_get_raw_reads_a_service_and_a_pod_through_the_proxy_and_prints_the_apiserver_error()
    {
        // Arrange
        _session.Pod("web-1", "sim.local/http-500-50");
        _session.Service("web");
        _session.Service("nobody", app: "none");
        await _session.ReadyAsync("web-1");

        // Act
        var service = await KubectlAsync("get", "--raw", "/api/v1/namespaces/default/services/web:http/proxy/healthz?verbose=1");
        var failing = await KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/web-1:8080/proxy/healthz");
        var metrics = await KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/web-1/proxy/metrics");
        var nobody = await KubectlAsync("get", "--raw", "/api/v1/namespaces/default/services/nobody:http/proxy/");

        // Assert
        service.ExitCode.Should().Be(0, service.ToString());
        service.StandardOutput.Should().Contain("\"pod\":\"web-1\"").And.Contain("\"path\":\"/healthz\"").And.Contain("\"query\":\"verbose=1\"");
        failing.ExitCode.Should().NotBe(0, "the second request is the one that fails");
        metrics.ExitCode.Should().Be(0, metrics.ToString());
        metrics.StandardOutput.Should().Contain("http_requests_total{app=\"web\",code=\"500\",method=\"GET\",namespace=\"default\",pod=\"web-1\"} 1");
        nobody.ExitCode.Should().NotBe(0);
        nobody.StandardError.Should().Contain("Error from server (ServiceUnavailable): no endpoints available for service \"nobody\"");
    }

    [Fact]
    public async Task The_KubernetesClient_proxy_helpers_reach_the_app()
    {
        // Arrange
        _session.Pod("web-1", "nginx:1.16.0");
        _session.Pod("broken-1", "sim.local/http-500", app: "broken");
        _session.Service("web");
        _session.Service("broken", app: "broken");
        await _session.ReadyAsync("web-1", "broken-1");
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _session.Simulator.BaseAddress.ToString() });

        // Act
        var service = await ReadAsync(await client.CoreV1.ConnectGetNamespacedServiceProxyWithPathAsync("web:http", "default", "v1/items"));
        var pod = await ReadAsync(await client.CoreV1.ConnectGetNamespacedPodProxyWithPathAsync("web-1:8080", "default", "healthz"));
        var broken = await Record.ExceptionAsync(() => client.CoreV1.ConnectGetNamespacedServiceProxyWithPathAsync("broken:http", "default", "healthz"));

        // Assert
        service.Should().Contain("\"path\":\"/v1/items\"", "the client escapes the slash as %2F and the apiserver decodes it");
        pod.Should().Contain("\"pod\":\"web-1\"");
        broken.Should().BeOfType<HttpOperationException>().Which.Response.StatusCode.Should().Be(System.Net.HttpStatusCode.InternalServerError);
    }

    private static async Task<string> ReadAsync(Stream stream)
    {
        await using (stream)
        {
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync();
        }
    }

    private Task<ProcessResult> KubectlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Tools.Kubectl, arguments, _home.Environment);
}
