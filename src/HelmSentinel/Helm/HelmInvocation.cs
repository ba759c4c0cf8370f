namespace HelmSentinel.Helm;

/// <summary>One helm run: the binary, its argument list and a sink for live output lines.</summary>
/// <param name="HelmPath">The helm binary (path or name on PATH).</param>
/// <param name="Arguments">The argument list, passed as-is (never through a shell).</param>
/// <param name="OnOutputLine">Receives each stdout and stderr line as it arrives; null to stay quiet.</param>
/// <param name="KillOnCancel">Cancelling kills helm at once instead of interrupting it first: <c>helm rollback</c> ignores
/// SIGINT in both majors (measured: it goes on to its <c>--timeout</c>), so the grace would only be waited out.</param>
public sealed record HelmInvocation(string HelmPath, IReadOnlyList<string> Arguments, Action<string>? OnOutputLine = null, bool KillOnCancel = false);
