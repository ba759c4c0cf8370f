namespace HelmSentinel.Kubernetes;

/// <summary>The last log lines of one test pod that ended, read before Helm's delete policy could remove it.</summary>
/// <param name="Pod">The pod's name (a Pod test hook's name is the hook's).</param>
/// <param name="Job">The Job test hook that owns the pod; null for a Pod test hook.</param>
/// <param name="Container">The container whose log this is: the first that failed, else the first one.</param>
/// <param name="Phase">The pod's phase when it ended: <c>Succeeded</c> or <c>Failed</c>.</param>
/// <param name="ExitCode">The container's exit code, when the pod reported it.</param>
/// <param name="Lines">The last lines, masked, each cut to the configured length.</param>
/// <param name="Complete">False when the log could only be read while the pod still ran (it was gone, or unreadable,
/// once it ended): the lines it printed last may be missing.</param>
public sealed record TestPodLog(string Pod, string? Job, string Container, string Phase, int? ExitCode, IReadOnlyList<string> Lines, bool Complete);
