using System.Globalization;
using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Controllers;

/// <summary>What a simulated container prints: nginx-like startup lines, or an app that fails with last words.</summary>
internal static class ContainerLogs
{
    /// <summary>
    /// The lines printed at start and the last words printed at exit (null for none). Catalogue
    /// logs replace the built-in lines; for a failing run their last line is the last words.
    /// </summary>
    public static (IReadOnlyList<string> Start, string? LastWords) For(string image, ImageBehaviour behaviour, BehaviourKind run, DateTimeOffset at, bool firstRunOfRestartOnce)
    {
        ArgumentNullException.ThrowIfNull(behaviour);
        var failing = run is BehaviourKind.Crash or BehaviourKind.Oom;
        if (behaviour.Logs is { Count: > 0 } custom && !firstRunOfRestartOnce)
        {
            return failing && run != BehaviourKind.Oom ? (custom.Take(custom.Count - 1).ToList(), custom[^1]) : (custom, null);
        }

        var stamp = at.UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
        var name = image[(image.LastIndexOf('/') + 1)..];
        return run switch
        {
            BehaviourKind.Crash when firstRunOfRestartOnce =>
            ([
                $"{stamp} starting {name}",
                $"{stamp} waiting for dependencies",
            ], $"{stamp} fatal: dependency not reachable yet, exiting (exit code 1)"),
            BehaviourKind.Crash =>
            ([
                $"{stamp} starting {name}",
                $"{stamp} loading configuration",
            ], $"{stamp} fatal: unrecoverable error, exiting (exit code {behaviour.ExitCode.ToString(CultureInfo.InvariantCulture)})"),
            BehaviourKind.Oom =>
            ([
                $"{stamp} starting {name}",
                $"{stamp} allocating cache buffers",
                $"{stamp} cache warm-up: 1843 MiB resident",
            ], null),
            BehaviourKind.Complete => ([$"{stamp} running {name}"], $"{stamp} done"),
            _ when name.StartsWith("nginx", StringComparison.Ordinal) => (NginxStartup(stamp, name), null),
            _ => ([$"{stamp} starting {name}", $"{stamp} listening on :8080"], null),
        };
    }

    private static List<string> NginxStartup(string stamp, string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var version = colon >= 0 ? name[(colon + 1)..] : "1.27.0";
        return
        [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            $"{stamp} [notice] 1#1: using the \"epoll\" event method",
            $"{stamp} [notice] 1#1: nginx/{version}",
            $"{stamp} [notice] 1#1: OS: Linux 6.1.0",
            $"{stamp} [notice] 1#1: start worker processes",
            $"{stamp} [notice] 1#1: start worker process 29",
        ];
    }
}
