namespace HelmSentinel.Helm;

/// <summary>The helm binary is of a major version the engine does not speak (only 3 and 4 are).</summary>
public sealed class UnsupportedHelmVersionException : Exception
{
    /// <param name="version">The version found.</param>
    public UnsupportedHelmVersionException(HelmVersion version)
        : base($"helm {version.Text} is not supported: helm-sentinel speaks Helm 3 and Helm 4. Give the path of a Helm 3.x or 4.x binary (the helm option or input).")
    {
        Version = version;
    }

    /// <summary>The version found.</summary>
    public HelmVersion? Version { get; }
}
