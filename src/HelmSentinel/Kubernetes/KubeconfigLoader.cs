using k8s;
using k8s.KubeConfigModels;

namespace HelmSentinel.Kubernetes;

/// <summary>Builds the Kubernetes client's configuration from a kubeconfig the way helm and kubectl read it.</summary>
internal static class KubeconfigLoader
{
    /// <summary>The client configuration for a kubeconfig and context, as helm and kubectl read them.</summary>
    /// <param name="kubeconfig">Path of the kubeconfig; null = <c>~/.kube/config</c> (or, with no context either, the client's default loading).</param>
    /// <param name="context">Kubeconfig context; null = the current one.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static KubernetesClientConfiguration ClientConfiguration(string? kubeconfig, string? context)
    {
        if (kubeconfig is null && context is null)
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }

        var file = Load(kubeconfig ?? KubernetesClientConfiguration.KubeConfigDefaultLocation);
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(file, context);
        }
        catch (k8s.Exceptions.KubeConfigException e) when (e.Message.Contains("auth credentials", StringComparison.Ordinal))
        {
            // A user entry without credentials (`user: {}`, e.g. behind an authenticating proxy) is fine for
            // helm and kubectl; the .NET client refuses it. Connect without credentials, as they do.
            var name = context ?? file.CurrentContext;
            foreach (var entry in file.Contexts ?? [])
            {
                if (entry.Name == name && entry.ContextDetails is { } details)
                {
                    details.User = null;
                }
            }

            return KubernetesClientConfiguration.BuildConfigFromConfigObject(file, name);
        }
    }

    /// <summary>Reads a kubeconfig (YAML or JSON) into the client's model with a plain YamlDotNet deserializer. The
    /// client's own loader goes through its model-type registry, whose reflection over every Kubernetes type costs
    /// about half a second on each start; the kubeconfig model needs none of it.</summary>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The file is empty.</exception>
    public static K8SConfiguration Load(string path)
    {
        var deserializer = new YamlDotNet.Serialization.DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        using var reader = new StreamReader(path);
        var config = deserializer.Deserialize<K8SConfiguration?>(reader) ??
                     throw new k8s.Exceptions.KubeConfigException($"kubeconfig '{path}' is empty");
        config.FileName = Path.GetFullPath(path); // relative certificate paths resolve against it, as kubectl does
        return config;
    }
}
