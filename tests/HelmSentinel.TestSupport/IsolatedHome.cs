namespace HelmSentinel.TestSupport;

/// <summary>
/// A private HOME, HELM_*_HOME and KUBECACHEDIR for one helm or kubectl run, so tests share no
/// state (client-go caches discovery under ~/.kube/cache) and never read the machine's config.
/// Deleted on dispose.
/// </summary>
public sealed class IsolatedHome : IDisposable
{
    public IsolatedHome()
    {
        Root = Directory.CreateTempSubdirectory("helm-sentinel-home-").FullName;
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = Root,
            ["HELM_CACHE_HOME"] = Path.Combine(Root, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(Root, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(Root, "data"),
            ["KUBECACHEDIR"] = Path.Combine(Root, "kube-cache"),
            ["KUBECONFIG"] = Path.Combine(Root, "no-kubeconfig"),
            ["HELM_DRIVER"] = "secret",
            ["NO_COLOR"] = "1",
        };
    }

    /// <summary>The root folder of this home.</summary>
    public string Root { get; }

    /// <summary>Environment variables to give the process (merged over the inherited ones).</summary>
    public IDictionary<string, string?> Environment { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A helm process killed by a test may still hold a file for a moment; temp is cleaned anyway.
        }
    }
}
