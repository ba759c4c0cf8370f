namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>A REST call to Azure DevOps failed for good (after retries).</summary>
public sealed class AzureReposException(string message) : Exception(message);
