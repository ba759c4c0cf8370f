namespace HelmSentinel.GitOps.ArgoCd;

/// <summary>Checks the <c>argocd-server</c> input: the base URL of the Argo CD API server.</summary>
public static class ArgoCdServerUrl
{
    /// <summary>The input's name, as every entry point spells it.</summary>
    public const string InputName = "argocd-server";

    /// <summary>
    /// The server's base URL (ending in <c>/</c>, so that <c>api/v1/…</c> resolves under it), or null and why not: it must
    /// be an absolute <c>http</c> or <c>https</c> URL with a host, no user name or password (the token goes in its own
    /// variable, never in a URL that logs print), no query and no fragment.
    /// </summary>
    /// <param name="text">The input as given, e.g. <c>https://argocd.example.com</c> or <c>https://example.com/argocd</c>.</param>
    /// <param name="error">The error naming <see cref="InputName"/>; null when the URL is valid.</param>
    public static Uri? Parse(string? text, out string? error)
    {
        error = null;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            error = $"{InputName}: missing; give the Argo CD API server's URL, e.g. https://argocd.example.com";
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            // The value is not echoed when it may hold credentials that the URL parser could not separate.
            error = value.Contains('@', StringComparison.Ordinal)
                ? $"{InputName}: not an absolute http or https URL"
                : $"{InputName}: '{value}' is not an absolute http or https URL (e.g. https://argocd.example.com)";
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            error = $"{InputName}: the URL holds a user name or password; remove it and give the token in the variable named by argocd-token-env";
            return null;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"{InputName}: '{uri.GetLeftPart(UriPartial.Path)}' must not have a query or fragment; give the server's base URL";
            return null;
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }
}
