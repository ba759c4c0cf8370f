namespace HelmSentinel.GitOps.ArgoCd;

/// <summary>Argo CD refused a rollback (HTTP 400): auto-sync is on, the history id is unknown, the application is being
/// deleted… The message is Argo CD's own, after what was asked.</summary>
public sealed class ArgoCdRollbackRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was asked and Argo CD's answer.</param>
    public ArgoCdRollbackRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public ArgoCdRollbackRefusedException()
        : this("Argo CD refused the rollback")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was asked and Argo CD's answer.</param>
    /// <param name="innerException">The cause.</param>
    public ArgoCdRollbackRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Argo CD's message (the error body's <c>message</c>), e.g. <c>rollback cannot be initiated when auto-sync is enabled</c>.</summary>
    public string ArgoCdMessage { get; init; } = "";

    /// <summary>The gRPC code in the error body (3 InvalidArgument, 9 FailedPrecondition), when there was one.</summary>
    public int? Code { get; init; }
}
