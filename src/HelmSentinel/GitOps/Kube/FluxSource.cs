using k8s;

namespace HelmSentinel.GitOps.Kube;

/// <summary>
/// A Flux Kustomization and its HelmReleases, watched through the Kubernetes API, read as one application
/// (<see cref="FluxReading"/>): the first reading once every object was listed, then one after each change.
/// </summary>
public sealed class FluxSource : IAppSource
{
    private readonly IKubernetes? _ownedClient;
    private readonly TimeProvider _time;
    private readonly string _wantedRevision;
    private readonly CustomObjectWatch _kustomization;
    private readonly IReadOnlyList<CustomObjectWatch> _helmReleases;
    private readonly Dictionary<CustomObjectWatch, long> _seen = [];

    /// <summary>Watches the objects with <paramref name="client"/>, which the caller keeps owning.</summary>
    /// <param name="client">The Kubernetes client (see <see cref="KubeClients.Create"/>).</param>
    /// <param name="credentials">How messages name the credentials (<see cref="KubeClients.Describe"/>).</param>
    /// <param name="kustomization">The Kustomization that applies the Git repository.</param>
    /// <param name="helmReleases">The HelmReleases it applies that the deploy is about (may be none).</param>
    /// <param name="wantedRevision">The merged commit: a full SHA or an abbreviation of at least 7 hex digits.</param>
    /// <param name="time">The clock of the readings and the retries.</param>
    /// <param name="options">The watches' retries; null = the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="wantedRevision"/> is not such a SHA.</exception>
    public FluxSource(
        IKubernetes client, string credentials, CustomObjectRef kustomization, IReadOnlyList<CustomObjectRef> helmReleases, string wantedRevision,
        TimeProvider time, CustomObjectWatchOptions? options = null)
        : this(client, credentials, kustomization, helmReleases, wantedRevision, time, options, ownsClient: false)
    {
    }

    private FluxSource(
        IKubernetes client, string credentials, CustomObjectRef kustomization, IReadOnlyList<CustomObjectRef> helmReleases, string wantedRevision,
        TimeProvider time, CustomObjectWatchOptions? options, bool ownsClient)
    {
        if (!FluxReading.IsSha(wantedRevision))
        {
            throw new ArgumentException($"the revision '{wantedRevision}' is not a Git SHA (7 to 40 hex digits)", nameof(wantedRevision));
        }

        _ownedClient = ownsClient ? client : null;
        _time = time;
        _wantedRevision = wantedRevision;
        _kustomization = CustomObjectWatch.Start(client, kustomization, credentials, time, options);
        _helmReleases = [.. helmReleases.Select(h => CustomObjectWatch.Start(client, h, credentials, time, options))];
        Name = $"Flux {kustomization}" + string.Concat(helmReleases.Select(h => $", {h}"));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Connects with a kubeconfig and watches the objects; the source owns its client.</summary>
    /// <param name="kubeconfig">Path of the kubeconfig; null = the default.</param>
    /// <param name="context">Its context; null = the current one.</param>
    /// <param name="kustomization">The Kustomization.</param>
    /// <param name="helmReleases">The HelmReleases.</param>
    /// <param name="wantedRevision">The merged commit's SHA.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The watches' retries; null = the defaults.</param>
    /// <exception cref="ArgumentException">The revision is not a SHA.</exception>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static FluxSource Connect(
        string? kubeconfig, string? context, NamespacedName kustomization, IReadOnlyList<NamespacedName> helmReleases, string wantedRevision, TimeProvider time,
        CustomObjectWatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kustomization);
        ArgumentNullException.ThrowIfNull(helmReleases);
        var releases = helmReleases.Select(h => CustomObjectRef.FluxHelmRelease(h.Namespace, h.Name)).ToList();
        var client = KubeClients.Create(kubeconfig, context);
        try
        {
            return new FluxSource(client, KubeClients.Describe(kubeconfig, context), CustomObjectRef.FluxKustomization(kustomization.Namespace, kustomization.Name), releases, wantedRevision, time, options, ownsClient: true);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<AppObservation> NextAsync(CancellationToken cancellationToken)
    {
        var watches = (IEnumerable<CustomObjectWatch>)[_kustomization, .. _helmReleases];
        if (_seen.Count == 0)
        {
            foreach (var watch in watches)
            {
                await watch.WhenChangedAsync(0, cancellationToken);
            }
        }
        else
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var changed = await Task.WhenAny(watches.Select(w => w.WhenChangedAsync(_seen[w], waiting.Token)));
            await waiting.CancelAsync();
            await changed; // the failure that ended a watch, or the caller's cancellation
        }

        foreach (var watch in watches)
        {
            _seen[watch] = watch.Changes;
        }

        return FluxReading.Read(_kustomization.Current!, [.. _helmReleases.Select(h => h.Current!)], _wantedRevision, _time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _kustomization.DisposeAsync();
        foreach (var watch in _helmReleases)
        {
            await watch.DisposeAsync();
        }

        _ownedClient?.Dispose();
    }
}
