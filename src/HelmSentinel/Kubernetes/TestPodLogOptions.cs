namespace HelmSentinel.Kubernetes;

/// <summary>Where the test pods of a <c>helm test</c> run, and how much of their logs to keep.</summary>
public sealed record TestPodLogOptions
{
    /// <summary>The release namespace, where helm creates the test hooks.</summary>
    public required string Namespace { get; init; }

    /// <summary>Path of the kubeconfig; null = the client's default loading.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context; null = the current one.</summary>
    public string? KubeContext { get; init; }

    /// <summary>Masks secrets in each log line (pass <c>SecretMasker.Mask</c>).</summary>
    public Func<string, string> Mask { get; init; } = static s => s;

    /// <summary>How many trailing log lines each test pod keeps.</summary>
    public int LogLines { get; init; } = 20;

    /// <summary>How many characters of one log line are kept; a longer line is cut and ends with <c>…</c>.</summary>
    public int MaxLineLength { get; init; } = 500;

    /// <summary>The clock of the reconnect delay.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Pause before the pod watch is opened again after an error.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
}
