namespace HelmSentinel.Helm;

/// <summary>A helm command failed in a way the engine does not turn into an outcome by itself.</summary>
public sealed class HelmCommandException : Exception
{
    /// <param name="command">The command, e.g. <c>helm history</c>.</param>
    /// <param name="result">What helm returned.</param>
    /// <param name="masker">Masks secrets in the message.</param>
    public HelmCommandException(string command, HelmProcessResult result, SecretMasker masker)
        : base($"{command} failed: {masker?.Mask(result?.ErrorText ?? "") ?? ""}")
    {
        Result = result;
    }

    /// <summary>What helm returned.</summary>
    public HelmProcessResult? Result { get; }
}
