namespace HelmSentinel.Helm;

/// <summary>Which release helm works on, and in which cluster: what every helm command of a deploy shares.</summary>
/// <param name="Release">The release name.</param>
/// <param name="Namespace">The release namespace (and that of its storage).</param>
/// <param name="KubeContext">The kubeconfig context (<c>--kube-context</c>); null = the current one.</param>
/// <param name="Kubeconfig">The kubeconfig file (<c>--kubeconfig</c>); null = helm's default resolution.</param>
public sealed record HelmTarget(string Release, string Namespace, string? KubeContext = null, string? Kubeconfig = null);
