using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Follows the upgrade's migration hooks (<see cref="MigrationHooks"/>) through the watcher's snapshots: when each was
/// first seen, when it completed or failed, its pod's exit code, and which ended pods still need their log read. Pure
/// apart from its own memory (locked: the watcher's loop writes, the deploy reads).
/// </summary>
/// <param name="selection">Which hooks count as migrations.</param>
internal sealed class MigrationHookTracker(MigrationHookSelection selection)
{
    private const string HookAnnotation = "helm.sh/hook";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MigrationHookRun> _runs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _logsAsked = new(StringComparer.Ordinal);

    /// <summary>Every migration hook seen so far, in the order they were first seen.</summary>
    public IReadOnlyList<MigrationHookRun> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs.Values.OrderBy(r => r.Started)];
            }
        }
    }

    /// <summary>Updates the runs from <paramref name="snapshot"/> (seen at <paramref name="now"/>); returns the logs to read
    /// now, each pod's once: followed from when its container runs, or read when it ended before it was seen running.</summary>
    public IReadOnlyList<LogRead> Observe(RolloutSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (selection.Disabled || snapshot.CountFrom is null)
        {
            return [];
        }

        var logs = new List<LogRead>();
        lock (_lock)
        {
            foreach (var job in snapshot.Jobs.Items.Where(j => IsNewHook(snapshot.Jobs, j.Metadata, snapshot.CountFrom)))
            {
                var hook = HookOf("batch/v1", "Job", job.Metadata, job.Spec?.Template?.Spec);
                if (!MigrationHooks.IsMigration(hook, selection))
                {
                    continue;
                }

                var pod = snapshot.Pods.Items
                    .Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == job.Metadata.Uid) == true)
                    .MaxBy(p => p.Metadata.CreationTimestamp);
                var conditions = job.Status?.Conditions ?? [];
                var completed = conditions.Any(c => c.Type == "Complete" && c.Status == "True") || pod?.Status?.Phase == "Succeeded";
                var failed = conditions.Any(c => c.Type is "Failed" or "FailureTarget" && c.Status == "True");
                Update(hook, pod, completed, failed, now, logs);
            }

            foreach (var pod in snapshot.Pods.Items.Where(p => IsNewHook(snapshot.Pods, p.Metadata, snapshot.CountFrom)))
            {
                var hook = HookOf("v1", "Pod", pod.Metadata, pod.Spec);
                if (MigrationHooks.IsMigration(hook, selection))
                {
                    Update(hook, pod, pod.Status?.Phase == "Succeeded", pod.Status?.Phase == "Failed", now, logs);
                }
            }
        }

        return logs;
    }

    /// <summary>Keeps the log lines read for <paramref name="hook"/>'s pod.</summary>
    public void Logs(string hook, IReadOnlyList<string> lines)
    {
        lock (_lock)
        {
            if (_runs.TryGetValue(hook, out var run) && lines.Count > 0)
            {
                _runs[hook] = run with { LastLogLines = lines };
            }
        }
    }

    /// <summary>The hook as <see cref="HookManifest"/> would read it, from the live object.</summary>
    internal static HookResource HookOf(string apiVersion, string kind, V1ObjectMeta metadata, V1PodSpec? spec)
    {
        var annotations = metadata.Annotations ?? new Dictionary<string, string>();
        var events = annotations.TryGetValue(HookAnnotation, out var text)
            ? text.Split(',').Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).ToList()
            : [];
        var containers = (spec?.InitContainers ?? []).Concat(spec?.Containers ?? []);
        return new HookResource(apiVersion, kind, metadata.Name, metadata.NamespaceProperty, events, [], 0, null)
        {
            Labels = new Dictionary<string, string>(metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Commands = [.. containers.Select(c => string.Join(' ', (c.Command ?? []).Concat(c.Args ?? []))).Where(c => c.Length > 0)],
        };
    }

    private static bool IsNewHook<T>(KindSnapshot<T> kind, V1ObjectMeta metadata, DateTimeOffset? countFrom)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        metadata.Annotations?.ContainsKey(HookAnnotation) == true && !RolloutEvaluator.Preexisting(kind, metadata, countFrom);

    private void Update(HookResource hook, V1Pod? pod, bool completed, bool failed, DateTimeOffset now, List<LogRead> logs)
    {
        var run = _runs.TryGetValue(hook.Reference, out var known) ? known : new MigrationHookRun(hook.Reference, hook.Events) { Started = now };
        var statuses = (pod?.Status?.InitContainerStatuses ?? []).Concat(pod?.Status?.ContainerStatuses ?? []).ToList();
        var terminated = statuses
            .Select(s => (s.Name, Terminated: s.State?.Terminated ?? s.LastState?.Terminated))
            .Where(s => s.Terminated is not null)
            .OrderBy(s => s.Terminated!.ExitCode == 0 ? 1 : 0) // a failed container says more than one that passed
            .FirstOrDefault();
        run = run with
        {
            Pod = pod?.Metadata.Name ?? run.Pod,
            // A Job completes only when its pod succeeded, every container exiting 0: the pod watch may lag the Job's.
            ExitCode = terminated.Terminated?.ExitCode ?? run.ExitCode ?? (completed ? 0 : null),
            Completed = run.Completed || completed,
            Ended = run.Ended ?? (completed || failed ? now : null),
        };
        _runs[hook.Reference] = run;
        if (pod is null)
        {
            return;
        }

        // Followed from the moment it runs (the stream ends with the container), since helm's hook-succeeded policy may delete
        // the pod as soon as it ends; read once when it ended unseen.
        var running = statuses.FirstOrDefault(s => s.State?.Running is not null);
        var ended = pod.Status?.Phase is "Succeeded" or "Failed" || completed || failed;
        if (running is not null && _logsAsked.Add(pod.Metadata.Uid))
        {
            logs.Add(new LogRead(pod, running.Name, hook.Reference, Follow: true));
        }
        else if (ended && terminated.Name is { } container && _logsAsked.Add(pod.Metadata.Uid))
        {
            logs.Add(new LogRead(pod, container, hook.Reference, Follow: false));
        }
    }
}

/// <summary>A log the watcher is to read for a migration hook's pod.</summary>
/// <param name="Pod">The pod.</param>
/// <param name="Container">Its container.</param>
/// <param name="Hook">The hook as <c>Kind/name</c>.</param>
/// <param name="Follow">True to follow the log of a running container until it ends; false to read what it printed.</param>
internal sealed record LogRead(V1Pod Pod, string Container, string Hook, bool Follow);
