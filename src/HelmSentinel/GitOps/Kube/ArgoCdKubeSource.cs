using HelmSentinel.GitOps.ArgoCd;
using k8s;

namespace HelmSentinel.GitOps.Kube;

/// <summary>
/// An Argo CD Application watched through the Kubernetes API of the cluster that runs Argo CD: the same object the REST
/// API returns, read by the same rules (<see cref="ArgoCdApplicationStatus.Read"/>). Since Argo CD 3.0 the object keeps
/// no per-resource health by default: the application's own health decides, and the report names fewer resources.
/// </summary>
public sealed class ArgoCdKubeSource : IAppSource
{
    private readonly IKubernetes _client;
    private readonly CustomObjectWatch _watch;
    private readonly string _wantedRevision;
    private readonly TimeProvider _time;
    private long _seen;

    /// <summary>Connects with a kubeconfig and watches the Application; the source owns its client.</summary>
    /// <param name="kube">The kubeconfig and context.</param>
    /// <param name="namespace">The Application's namespace.</param>
    /// <param name="name">Its name.</param>
    /// <param name="wantedRevision">The merged commit.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The watch's retries; null = the defaults.</param>
    public ArgoCdKubeSource(KubeAccess kube, string @namespace, string name, string wantedRevision, TimeProvider time, CustomObjectWatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        _client = KubeClients.Create(kube.Kubeconfig, kube.Context);
        var target = CustomObjectRef.ArgoCdApplication(@namespace, name);
        _watch = CustomObjectWatch.Start(_client, target, KubeClients.Describe(kube.Kubeconfig, kube.Context), time, options);
        _wantedRevision = wantedRevision;
        _time = time;
        Name = $"Argo CD {target}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public async Task<AppObservation> NextAsync(CancellationToken cancellationToken)
    {
        await _watch.WhenChangedAsync(_seen, cancellationToken);
        _seen = _watch.Changes;
        return ArgoCdApplicationStatus.Read(_watch.Current!, _wantedRevision, _time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _watch.DisposeAsync();
        _client.Dispose();
    }
}
