using HelmSentinel.Helm;

namespace HelmSentinel.Deploy;

/// <summary>How a deploy ended, before the outcome is made of it: the clean-ups that every ending gets (the watcher
/// stopped, a failed hook removed) run between the phase that decided and the outcome.</summary>
/// <param name="Result">The result.</param>
/// <param name="Reason">Why it failed, in one line; null on success.</param>
/// <param name="Helm">The helm run whose error the outcome quotes, if any.</param>
internal sealed record Verdict(DeployResult Result, string? Reason, HelmProcessResult? Helm = null);
