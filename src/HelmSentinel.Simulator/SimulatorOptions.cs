using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator;

/// <summary>How to start a <see cref="KubeSimulator"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The TCP port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Nodes, image behaviours and timings; null = <see cref="ClusterConfig.Default"/>.</summary>
    public ClusterConfig? Cluster { get; init; }

    /// <summary>The clock for timestamps and controllers; null = <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>When set, every API request must carry <c>Authorization: Bearer</c> with this token, else it is the
    /// apiserver's 401 <c>Unauthorized</c> Status (the <c>/_sim/</c> control surface stays open); the kubeconfig the
    /// simulator writes carries it. Null (the default): no authentication.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Called with "METHOD path?query" for every request (e.g. to forward to test output).</summary>
    public Action<string>? RequestLog { get; init; }
}
