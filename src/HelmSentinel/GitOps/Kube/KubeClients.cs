using HelmSentinel.Kubernetes;
using k8s;

namespace HelmSentinel.GitOps.Kube;

/// <summary>The Kubernetes client of the GitOps sources, built from a kubeconfig as the deploy's watcher builds its own.</summary>
public static class KubeClients
{
    /// <summary>A client for the kubeconfig and context, as helm and kubectl read them (a user without credentials
    /// connects without any).</summary>
    /// <param name="kubeconfig">Path of the kubeconfig; null = the default (KUBECONFIG or <c>~/.kube/config</c>).</param>
    /// <param name="context">Its context; null = the current one.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded or has no such context.</exception>
    public static IKubernetes Create(string? kubeconfig, string? context) =>
        new k8s.Kubernetes(KubeconfigLoader.ClientConfiguration(kubeconfig, context));

    /// <summary>How a message names the credentials, e.g. <c>kubeconfig 'ci.yaml' (context 'prod')</c>; never their content.</summary>
    /// <param name="kubeconfig">Path of the kubeconfig; null = the default.</param>
    /// <param name="context">Its context; null = the current one.</param>
    public static string Describe(string? kubeconfig, string? context) =>
        (kubeconfig is null ? "the default kubeconfig" : $"kubeconfig '{kubeconfig}'") +
        (context is null ? " (its current context)" : $" (context '{context}')");
}
