using System.Net;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>A REST call to Azure DevOps failed for good (after retries).</summary>
/// <param name="message">What was called and what it answered.</param>
public sealed class AzureReposException(string message) : Exception(message)
{
    /// <summary>The HTTP status the server answered; null when none came back.</summary>
    public HttpStatusCode? StatusCode { get; init; }
}
