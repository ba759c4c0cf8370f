using System.Text.Json.Nodes;
using HelmSentinel.Simulator.Faults;
using HelmSentinel.Simulator.Storage;
using k8s;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>A watch cut seen by the .NET client, watching as HelmSentinel's informer does: list, watch from the list's
/// resourceVersion, and when the stream ends, watch again from the last resourceVersion it saw.</summary>
public sealed class WatchCutClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private KubeSimulator _simulator = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubeSimulator.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _simulator.BaseAddress.ToString() });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task The_client_sees_the_cut_stream_end_and_resumes_from_its_last_resourceVersion_without_losing_or_repeating_events()
    {
        // Arrange
        var listed = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        _simulator.Faults.Add(new FaultRule { Id = "cut", Kind = FaultKind.WatchCut, Resource = "configmaps", AfterEvents = 2, ForRequests = 1 });
        Create("a");
        Create("b");
        Create("c");
        using var cancel = new CancellationTokenSource(Bound);

        // Act
        var first = new List<(WatchEventType, string, string)>();
        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: listed.Metadata.ResourceVersion, cancellationToken: cancel.Token))
        {
            first.Add((type, item.Metadata.Name, item.Metadata.ResourceVersion));
        }

        Create("d");
        var resumed = new List<(WatchEventType, string)>();
        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first[^1].Item3, cancellationToken: cancel.Token))
        {
            resumed.Add((type, item.Metadata.Name));
            if (item.Metadata.Name == "d")
            {
                break;
            }
        }

        // Assert
        first.Select(e => (e.Item1, e.Item2)).Should().Equal((WatchEventType.Added, "a"), (WatchEventType.Added, "b"));
        resumed.Should().Equal((WatchEventType.Added, "c"), (WatchEventType.Added, "d"));
        _simulator.Faults.Fired("cut").Should().Be(1);
    }

    private void Create(string name) =>
        _simulator.Store.Create(ResourceTypes.ConfigMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
}
