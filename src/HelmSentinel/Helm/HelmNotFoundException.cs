namespace HelmSentinel.Helm;

/// <summary>The helm binary could not be started (missing, not executable).</summary>
public sealed class HelmNotFoundException : Exception
{
    /// <param name="helmPath">The path or name that was tried.</param>
    /// <param name="inner">Why it could not be started.</param>
    public HelmNotFoundException(string helmPath, Exception inner)
        : base($"Cannot run helm at '{helmPath}': {inner.Message}. Install Helm 3 or 4, or give the path of the helm binary (the helm option or input).", inner)
    {
        HelmPath = helmPath;
    }

    /// <summary>The path that was tried.</summary>
    public string HelmPath { get; } = "";
}
