using k8s;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Turns a <see cref="Finding"/> into a <see cref="RolloutDiagnosis"/>: reads the namespace's events and the last
/// log lines of (at most five of) the failing pods, masks them, and words the summary. Errors reading events are
/// reported through the warning callback; a log that cannot be read is left empty. Never throws for cluster errors.
/// </summary>
/// <param name="client">The cluster.</param>
/// <param name="options">Namespace, mask, clock and how many log lines and events to keep.</param>
/// <param name="replicaSet">The ReplicaSet with a uid, as the watcher knows it now (a pod's events include its Deployment's).</param>
/// <param name="notReady">The release's workloads that are not ready, as the watcher knows them now.</param>
/// <param name="warn">Receives a warning for a problem talking to the cluster.</param>
internal sealed class PostMortem(
    IKubernetes client,
    RolloutWatcherOptions options,
    Func<string, V1ReplicaSet?> replicaSet,
    Func<IReadOnlyList<NotReadyWorkload>> notReady,
    Action<string> warn)
{
    private const int MaxPods = 5;

    /// <summary>Reads the evidence of <paramref name="finding"/> and builds the diagnosis.</summary>
    /// <param name="finding">The failing pods (worst first) and workload.</param>
    /// <param name="fatal">True when a fail-fast rule fired; false for the post-mortem of a failure Helm reported itself.</param>
    /// <param name="ct">Cancels the reads.</param>
    public async Task<RolloutDiagnosis> BuildAsync(Finding finding, bool fatal, CancellationToken ct)
    {
        IReadOnlyList<Corev1Event> events = [];
        try
        {
            events = (await client.CoreV1.ListNamespacedEventAsync(options.Namespace, cancellationToken: ct)).Items.ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            warn("the rollout watcher could not read events: " + options.Mask(e.Message));
        }

        var diagnoses = new List<PodDiagnosis>();
        foreach (var (pod, owner, state) in finding.Pods.Take(MaxPods))
        {
            var logs = await LastLogLinesAsync(pod, state.Container, ct);
            diagnoses.Add(new PodDiagnosis(
                pod.Metadata.Name,
                owner,
                state.Container,
                state.Reason,
                state.Message is null ? null : options.Mask(state.Message),
                state.ExitCode,
                state.RestartCount,
                logs,
                WarningEvents(events, pod, replicaSet, options.Events, options.Mask)));
        }

        IReadOnlyList<string> workloads = [.. notReady().Select(w => $"{w.Name}: {options.Mask(w.Status)}")];
        return new RolloutDiagnosis(options.Mask(Summary(finding, workloads)), diagnoses, workloads, options.Time.GetUtcNow(), fatal);
    }

    /// <summary>The diagnosis' one line, unmasked: the workload and its first pod when the workload failed as a
    /// whole; else the first pod (unless it is merely not ready and a workload failed); else the workload; else
    /// the first not-ready workload.</summary>
    /// <param name="finding">The failing pods (worst first) and workload.</param>
    /// <param name="notReady">The not-ready workloads as <c>Kind/name: status</c>.</param>
    internal static string Summary(Finding finding, IReadOnlyList<string> notReady)
    {
        var pods = finding.Pods;
        if (pods.Count > 0 && finding.Workload is { } failed && pods[0].Workload == failed.Name)
        {
            // The workload failed as a whole (a Job past its backoff limit): say so first, then its pod.
            var first = pods[0];
            return $"{failed.Name.Replace('/', ' ')}: {failed.State.Describe()}; pod {first.Pod.Metadata.Name}: {first.State.Describe()}";
        }

        if (pods.Count > 0 && (finding.Workload is null || pods[0].State.Reason != "NotReady"))
        {
            var first = pods[0];
            return $"pod {first.Pod.Metadata.Name} ({first.Workload.Replace('/', ' ')}): {first.State.Describe()}";
        }

        if (finding.Workload is { } w)
        {
            return $"{w.Name.Replace('/', ' ')}: {w.State.Describe()}";
        }

        return notReady.FirstOrDefault() ?? "no failing pod found";
    }

    /// <summary>The last <paramref name="count"/> Warning events of a pod, its owners and their owners (a
    /// Deployment through its ReplicaSet), oldest first, as <c>Reason: message (xN)</c>, masked.</summary>
    internal static IReadOnlyList<string> WarningEvents(
        IReadOnlyList<Corev1Event> events, V1Pod pod, Func<string, V1ReplicaSet?> replicaSet, int count, Func<string, string> mask)
    {
        var owners = new HashSet<string>(StringComparer.Ordinal) { pod.Metadata.Uid };
        foreach (var owner in pod.Metadata.OwnerReferences ?? [])
        {
            owners.Add(owner.Uid);
            if (replicaSet(owner.Uid)?.Metadata.OwnerReferences is { } grand)
            {
                owners.UnionWith(grand.Select(g => g.Uid));
            }
        }

        return [.. events
            .Where(e => e.Type == "Warning" && e.InvolvedObject?.Uid is { } uid && owners.Contains(uid))
            .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata?.CreationTimestamp)
            .TakeLast(count)
            .Select(e => mask($"{e.Reason}: {e.Message}{(e.Count > 1 ? $" (x{e.Count})" : "")}"))];
    }

    /// <summary>The last lines of <paramref name="container"/>'s log in <paramref name="pod"/> (its previous run after a
    /// restart), bounded and masked; empty when it never ran or the log cannot be read. With <paramref name="follow"/>,
    /// the log of the running container is followed until it ends (the stream then closes), so that its last lines are
    /// kept even when the pod is deleted as soon as it ends.</summary>
    internal async Task<IReadOnlyList<string>> LastLogLinesAsync(V1Pod pod, string container, CancellationToken ct, bool follow = false)
    {
        var status = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .FirstOrDefault(s => s.Name == container);
        if (status is null || (status.LastState?.Terminated is null && status.State?.Running is null && status.State?.Terminated is null))
        {
            return []; // the container never ran: no log to read
        }

        var previous = !follow && status.RestartCount > 0 && status.LastState?.Terminated is not null;
        try
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty ?? options.Namespace, container: status.Name, follow: follow ? true : null,
                previous: previous, tailLines: options.LogLines, cancellationToken: ct);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(ct);
            return [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(options.LogLines).Select(options.Mask)];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return [];
        }
    }
}
