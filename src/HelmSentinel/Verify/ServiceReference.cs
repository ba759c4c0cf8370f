namespace HelmSentinel.Verify;

/// <summary>
/// A Service port reached through the Kubernetes API server's service proxy
/// (<c>/api/v1/namespaces/NS/services/NAME:PORT/proxy/…</c>), so the runner needs no route into the cluster.
/// Written <c>name:port</c> or <c>namespace/name:port</c>.
/// </summary>
/// <param name="Namespace">The Service's namespace, or null for the release's.</param>
/// <param name="Name">The Service's name (a DNS-1035 label).</param>
/// <param name="Port">The port's number (1-65535) or name, as the proxy path takes it.</param>
public sealed record ServiceReference(string? Namespace, string Name, string Port)
{
    /// <summary>The form the document writes: <c>name:port</c> or <c>namespace/name:port</c>.</summary>
    public override string ToString() => (Namespace is null ? "" : Namespace + "/") + Name + ":" + Port;
}
