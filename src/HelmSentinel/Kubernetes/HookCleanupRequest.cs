namespace HelmSentinel.Kubernetes;

/// <summary>Which hooks <see cref="HookCleanup"/> looks at, in which cluster, and how it words what it did.</summary>
public sealed record HookCleanupRequest
{
    /// <summary>The release namespace: where a hook without its own <c>metadata.namespace</c> lives.</summary>
    public required string Namespace { get; init; }

    /// <summary>The revision the hooks belong to (the one that failed or was interrupted), for the reasons' wording.</summary>
    public required int Revision { get; init; }

    /// <summary>The hooks of that revision (<see cref="HookManifest.Parse"/> of <c>helm get hooks --revision</c>).</summary>
    public required IReadOnlyList<HookResource> Hooks { get; init; }

    /// <summary>Path of the kubeconfig; null = the client's default loading (<c>KUBECONFIG</c>, <c>~/.kube/config</c>, in-cluster).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context; null = the current one.</summary>
    public string? KubeContext { get; init; }

    /// <summary>Masks secrets in every text that can carry cluster data: the reasons and the warnings (pass <c>SecretMasker.Mask</c>).</summary>
    public Func<string, string> Mask { get; init; } = static s => s;

    /// <summary>How long each request to the API server may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
