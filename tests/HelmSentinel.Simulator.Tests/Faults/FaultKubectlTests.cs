using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Tests.EndToEnd;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>Faults as the real kubectl meets them: what it prints, and what client-go retries by itself (GETs after a
/// dropped connection, anything with Retry-After).</summary>
public sealed class FaultKubectlTests : IAsyncLifetime
{
    private readonly SimulatorSession _session = new();

    private FaultSet Faults => _session.Simulator.Faults;

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task A_503_window_makes_kubectl_get_pods_fail_then_succeed()
    {
        // Arrange
        Faults.Add(new FaultRule { Id = "down", Kind = FaultKind.Status, Code = 503, Verb = "list", Resource = "pods", ForRequests = 1 });

        // Act
        var failed = await _session.KubectlAsync("get", "pods");
        var served = await _session.KubectlAsync("get", "pods");

        // Assert
        failed.ExitCode.Should().Be(1, failed.ToString());
        failed.StandardError.Should().Be("Error from server (ServiceUnavailable): the server is currently unable to handle the request\n");
        served.ExitCode.Should().Be(0, served.ToString());
        served.StandardError.Should().Contain("No resources found in default namespace.");
        Faults.Fired("down").Should().Be(1);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_and_retried_by_kubectl_itself()
    {
        // Arrange
        Faults.Add(new FaultRule { Id = "busy", Kind = FaultKind.Status, Code = 429, Verb = "list", Resource = "pods", ForRequests = 2 });

        // Act
        var result = await _session.KubectlAsync("get", "pods");

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        Faults.Fired("busy").Should().Be(2);
        _session.Simulator.RequestLog.Count(l => l.StartsWith("GET /api/v1/namespaces/default/pods?", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public async Task A_leader_change_is_printed_as_kubectl_prints_an_error_without_a_reason()
    {
        // Arrange
        Faults.Add(new FaultRule { Kind = FaultKind.LeaderChanged, Resource = "configmaps" });

        // Act
        var result = await _session.KubectlAsync("get", "configmaps");

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardError.Should().Be("Error from server: etcdserver: leader changed\n");
    }

    [Fact]
    public async Task A_conflict_fails_kubectl_replace_once_then_the_replace_goes_through()
    {
        // Arrange
        (await _session.KubectlAsync("create", "configmap", "settings", "--from-literal=mode=a")).ExitCode.Should().Be(0);
        var manifest = Path.Combine(_session.Root, "settings.yaml");
        var live = await _session.KubectlAsync("get", "configmap", "settings", "-o", "yaml");
        await File.WriteAllTextAsync(manifest, live.StandardOutput.Replace("mode: a", "mode: b", StringComparison.Ordinal));
        Faults.Add(new FaultRule { Id = "conflict", Kind = FaultKind.Conflict, Resource = "configmaps", Name = "settings", ForRequests = 1 });

        // Act
        var refused = await _session.KubectlAsync("replace", "-f", manifest);
        var replaced = await _session.KubectlAsync("replace", "-f", manifest);

        // Assert
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.StandardError.Should().Be(
            $"Error from server (Conflict): error when replacing \"{manifest}\": Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest version and try again\n");
        replaced.ExitCode.Should().Be(0, replaced.ToString());
        replaced.StandardOutput.Should().Be("configmap/settings replaced\n");
        Faults.Fired("conflict").Should().Be(1);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_by_kubectl_for_a_get_but_fails_a_create()
    {
        // Arrange
        Faults.Add(new FaultRule { Id = "read", Kind = FaultKind.Reset, Verb = "list", Resource = "pods", ForRequests = 1 });
        Faults.Add(new FaultRule { Id = "write", Kind = FaultKind.Reset, Verb = "create", Resource = "configmaps" });

        // Act
        var get = await _session.KubectlAsync("get", "pods");
        var create = await _session.KubectlAsync("create", "configmap", "lost", "--from-literal=a=b");

        // Assert
        get.ExitCode.Should().Be(0, get.ToString());
        _session.Simulator.RequestLog.Count(l => l.StartsWith("GET /api/v1/namespaces/default/pods?", StringComparison.Ordinal)).Should().Be(2);
        create.ExitCode.Should().Be(1, create.ToString());
        create.StandardError.Should().MatchRegex(
            @"^error: failed to create configmap: Post ""http://127\.0\.0\.1:\d+/api/v1/namespaces/default/configmaps\?fieldManager=kubectl-create&fieldValidation=Strict"": (EOF|read tcp .*: connection reset by peer)\n$");
        (Faults.Fired("read"), Faults.Fired("write")).Should().Be((1, 1), "kubectl does not try a write again");
    }

    [Fact]
    public async Task Latency_beyond_the_request_timeout_makes_kubectl_give_up()
    {
        // Arrange
        Faults.Add(new FaultRule { Kind = FaultKind.Latency, Delay = TimeSpan.FromMinutes(1), Verb = "list", Resource = "pods" });

        // Act
        var result = await _session.KubectlAsync("get", "pods", "--request-timeout=1s");

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardError.Should().MatchRegex(@"^Unable to connect to the server: .*(context deadline exceeded|Client\.Timeout exceeded)");
    }
}
