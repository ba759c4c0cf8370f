namespace HelmSentinel.Deploy;

/// <summary>How an entry point takes part in one deploy: what it hears, and how it names its inputs.</summary>
public sealed record DeployOptions
{
    /// <summary>Called once the request has passed validation, before helm runs: an entry point starts its reporters
    /// then (a rejected request is reported only at the end).</summary>
    public Action<DeployRequest>? Accepted { get; init; }

    /// <summary>How the entry point names a core input in errors (the Azure task's camelCase <c>historyMax</c> for
    /// <c>history-max</c>); the default keeps the core's names.</summary>
    public Func<string, string> InputName { get; init; } = static name => name;
}
