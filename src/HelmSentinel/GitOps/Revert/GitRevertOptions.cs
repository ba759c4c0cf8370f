using HelmSentinel.Resilience.Git;

namespace HelmSentinel.GitOps.Revert;

/// <summary>How <see cref="GitRevert"/> runs git.</summary>
public sealed record GitRevertOptions
{
    /// <summary>The committer name used when the checkout has none configured (given with <c>-c</c>, never written to a config).</summary>
    public string IdentityName { get; init; } = "helm-sentinel";

    /// <summary>The committer e-mail used when the checkout has none configured.</summary>
    public string IdentityEmail { get; init; } = "helm-sentinel@users.noreply.github.com";

    /// <summary>How fetch, ls-remote and push are retried after a transient failure.</summary>
    public GitRemoteRetryOptions Retry { get; init; } = new();

    /// <summary>The clock of the retries' waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Variables set for git over the inherited environment (a null value removes one); tests isolate git's config with it.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Hears of every retry, as one line.</summary>
    public Action<string>? OnRetry { get; init; }
}
