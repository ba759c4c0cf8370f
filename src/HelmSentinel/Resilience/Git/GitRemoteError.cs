namespace HelmSentinel.Resilience.Git;

/// <summary>What kind of failure a git command that talks to a remote reported.</summary>
public enum GitRemoteErrorKind
{
    /// <summary>Not a failure of the connection or the credentials (a rejected push, an unknown ref…).</summary>
    Other,

    /// <summary>Worth another attempt: a reset or timed-out connection, a name that did not resolve, a 5xx or 429.</summary>
    Transient,

    /// <summary>The remote refused the credentials, or there were none to give (401, 403, a denied SSH key).</summary>
    Unauthorized,
}

/// <summary>Classifies git's own words on stderr (with <c>LC_ALL=C</c>, so they are English). Pure.</summary>
public static class GitRemoteError
{
    // Checked before the transient texts: "The requested URL returned error: 403" is no reason to try again.
    private static readonly string[] Unauthorized =
    [
        "Authentication failed",
        "could not read Username",
        "could not read Password",
        "terminal prompts disabled",
        "Permission denied (publickey",
        "returned error: 401",
        "returned error: 403",
        "Invalid username or password",
        "Write access to repository not granted",
        "Permission to ",
    ];

    private static readonly string[] Transient =
    [
        "Connection reset",
        "Connection timed out",
        "Connection refused",
        "Operation timed out",
        "timed out after",
        "Could not resolve host",
        "Temporary failure in name resolution",
        "Failed to connect to",
        "The remote end hung up unexpectedly",
        "early EOF",
        "RPC failed",
        "unexpected disconnect",
        "gnutls_handshake() failed",
        "SSL_read",
        "HTTP/2 stream",
        "returned error: 429",
        "returned error: 500",
        "returned error: 502",
        "returned error: 503",
        "returned error: 504",
        "Internal Server Error",
        "Service Unavailable",
        "Bad Gateway",
    ];

    /// <summary>The kind of failure <paramref name="standardError"/> describes.</summary>
    public static GitRemoteErrorKind Classify(string? standardError)
    {
        if (string.IsNullOrWhiteSpace(standardError))
        {
            return GitRemoteErrorKind.Other;
        }

        if (Unauthorized.Any(t => standardError.Contains(t, StringComparison.OrdinalIgnoreCase)))
        {
            return GitRemoteErrorKind.Unauthorized;
        }

        return Transient.Any(t => standardError.Contains(t, StringComparison.OrdinalIgnoreCase))
            ? GitRemoteErrorKind.Transient
            : GitRemoteErrorKind.Other;
    }
}
