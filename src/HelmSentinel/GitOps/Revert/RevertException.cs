namespace HelmSentinel.GitOps.Revert;

/// <summary>A revert that cannot go on; the message says what to do and holds no credential.</summary>
public sealed class RevertException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why, for the exit code.</param>
    /// <param name="message">What went wrong and what to do, masked.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RevertException(RevertFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Why.</summary>
    public RevertFailure Failure { get; }
}
