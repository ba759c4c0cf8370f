namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>Where the cluster is, as the task was told: kubeconfig content to write to a private file, an optional
/// context, and the credential values inside it that must be masked.</summary>
/// <param name="Kubeconfig">Kubeconfig text (YAML, or JSON which is YAML too).</param>
/// <param name="Context">The context to use; null = the kubeconfig's current-context.</param>
/// <param name="Secrets">Single-line credential values found in or used for the kubeconfig.</param>
public sealed record ClusterAccess(string Kubeconfig, string? Context, IReadOnlyList<string> Secrets);
