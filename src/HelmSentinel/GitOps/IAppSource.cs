namespace HelmSentinel.GitOps;

/// <summary>
/// Where the readings of one GitOps application come from: Argo CD's REST API (polled), or the Argo CD Application or
/// Flux objects through the Kubernetes API (watched). The one seam of the GitOps mode, so that its decisions are tested
/// on scripted readings and each source against a real server.
/// </summary>
public interface IAppSource : IAsyncDisposable
{
    /// <summary>What is watched, for the report, e.g. <c>Argo CD application argocd/guestbook</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The next reading: the first at once, then the next after the application changed (a watch event) or the poll
    /// interval passed. Transient API errors are retried inside; what cannot be read throws <see cref="GitOpsSourceException"/>.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait (the timeout, the bake's end).</param>
    Task<AppObservation> NextAsync(CancellationToken cancellationToken);
}

/// <summary>Why a GitOps source cannot be read.</summary>
public enum GitOpsSourceFailure
{
    /// <summary>The server or cluster cannot be reached, or kept failing after the retries (exit 4).</summary>
    Unreachable,

    /// <summary>The credentials were refused (401/403): the message names the token variable or kubeconfig (exit 3).</summary>
    Unauthorized,

    /// <summary>The application (or a named object) does not exist (exit 3).</summary>
    NotFound,
}

/// <summary>A GitOps source that cannot be read; the message says what to check, never a credential.</summary>
public sealed class GitOpsSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why.</param>
    /// <param name="message">What to check, masked.</param>
    /// <param name="innerException">The cause, if any.</param>
    public GitOpsSourceException(GitOpsSourceFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public GitOpsSourceException()
        : this(GitOpsSourceFailure.Unreachable, "the GitOps source cannot be read")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What to check.</param>
    public GitOpsSourceException(string message)
        : this(GitOpsSourceFailure.Unreachable, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What to check.</param>
    /// <param name="innerException">The cause.</param>
    public GitOpsSourceException(string message, Exception innerException)
        : this(GitOpsSourceFailure.Unreachable, message, innerException)
    {
    }

    /// <summary>Why the source cannot be read.</summary>
    public GitOpsSourceFailure Failure { get; }
}
