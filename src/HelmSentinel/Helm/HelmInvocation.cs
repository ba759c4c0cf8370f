namespace HelmSentinel.Helm;

/// <summary>One helm run: the binary, its argument list and a sink for live output lines.</summary>
/// <param name="HelmPath">The helm binary (path or name on PATH).</param>
/// <param name="Arguments">The argument list, passed as-is (never through a shell).</param>
/// <param name="OnOutputLine">Receives each stdout and stderr line as it arrives; null to stay quiet.</param>
public sealed record HelmInvocation(string HelmPath, IReadOnlyList<string> Arguments, Action<string>? OnOutputLine = null);
