namespace HelmSentinel.Kubernetes;

/// <summary>Whether a hook Job or Pod is done, and its state in words for the reason.</summary>
/// <param name="Succeeded">True for a completed Job or a succeeded Pod: left alone.</param>
/// <param name="Text">E.g. "was still running (0/1 succeeded)".</param>
internal sealed record HookState(bool Succeeded, string Text);
