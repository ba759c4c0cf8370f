namespace HelmSentinel.Kubernetes;

/// <summary>What the watcher looks at and how it reports.</summary>
public sealed record RolloutWatcherOptions
{
    /// <summary>The Helm release whose workloads are watched.</summary>
    public required string Release { get; init; }

    /// <summary>The release namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Path of the kubeconfig; null = the client's default loading (<c>KUBECONFIG</c>, <c>~/.kube/config</c>, in-cluster).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context; null = the current one.</summary>
    public string? KubeContext { get; init; }

    /// <summary>Thresholds of the fail-fast rules.</summary>
    public FailFastOptions Rules { get; init; } = new();

    /// <summary>Masks secrets in log lines, messages and events (pass <c>SecretMasker.Mask</c>).</summary>
    public Func<string, string> Mask { get; init; } = static s => s;

    /// <summary>The clock (unschedulable grace, reconnect delays).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Pause before a watch is opened again after an error.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many trailing log lines each failing pod keeps.</summary>
    public int LogLines { get; init; } = 20;

    /// <summary>Which hooks are migrations, whose runs the watcher records (<see cref="RolloutWatcher.MigrationHooks"/>).</summary>
    public MigrationHookSelection MigrationHooks { get; init; } = MigrationHookSelection.Heuristic;

    /// <summary>How many recent Warning events each failing pod keeps.</summary>
    public int Events { get; init; } = 5;
}
