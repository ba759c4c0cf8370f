using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Deletes the hook Jobs and Pods that a failed or interrupted upgrade left behind. Helm deletes a hook only by its
/// delete policy; a <c>pre-upgrade</c> Job stopped by fail-fast (or by helm's own timeout) stays, its pod retrying,
/// and would run its migration against the rolled-back application once it can. Every Job or Pod hook that still
/// exists and has not succeeded (a Job without <c>Complete=True</c>, a Pod not <c>Succeeded</c>) is deleted with
/// background propagation, so its pods go too; succeeded ones are left as Helm leaves them; other kinds are not touched.
/// </summary>
public static class HookCleanup
{
    private const string Background = "Background";

    /// <summary>Cleans up the hooks of <paramref name="request"/>, one at a time, in its order. Never throws for a
    /// problem with the kubeconfig or the cluster: those come back as warnings and <see cref="HookCleanupAction.Failed"/> entries.</summary>
    /// <param name="request">The hooks, the namespace, the cluster and the mask.</param>
    /// <param name="cancellationToken">Stops the clean-up; the cancellation is thrown.</param>
    public static async Task<HookCleanupResult> RunAsync(HookCleanupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        k8s.Kubernetes client;
        try
        {
            var config = KubeconfigLoader.ClientConfiguration(request.Kubeconfig, request.KubeContext);
            config.HttpClientTimeout = request.RequestTimeout;
            client = new k8s.Kubernetes(config); // reads the certificates the kubeconfig names
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var warning = request.Mask("the hook clean-up could not load the kubeconfig: " + e.Message);
            return new HookCleanupResult(
                [.. request.Hooks.Select(h => h.IsJobOrPod ? new HookCleanupEntry(h, HookCleanupAction.Failed, warning) : Ignored(request, h))],
                [warning]);
        }

        using (client)
        {
            return await RunAsync(client, request, cancellationToken);
        }
    }

    /// <summary><see cref="RunAsync(HookCleanupRequest, CancellationToken)"/> with a client of the caller's.</summary>
    internal static async Task<HookCleanupResult> RunAsync(IKubernetes client, HookCleanupRequest request, CancellationToken cancellationToken)
    {
        var entries = new List<HookCleanupEntry>();
        var warnings = new List<string>();
        foreach (var hook in request.Hooks)
        {
            var entry = hook.IsJobOrPod ? await CleanAsync(client, request, hook, cancellationToken) : Ignored(request, hook);
            entries.Add(entry);
            if (entry.Action == HookCleanupAction.Failed)
            {
                warnings.Add(entry.Reason);
            }
        }

        return new HookCleanupResult(entries, warnings);
    }

    /// <summary>Whether a hook Job is done, and its state in words: "completed (1/1 succeeded)", "had failed
    /// (BackoffLimitExceeded: ...)", "was still running (0/1 succeeded)".</summary>
    internal static HookState JobState(V1Job job)
    {
        var succeeded = job.Status?.Succeeded ?? 0;
        var counts = $"{succeeded}/{job.Spec?.Completions ?? 1} succeeded";
        var conditions = job.Status?.Conditions ?? [];
        if (conditions.Any(c => c.Type == "Complete" && c.Status == "True"))
        {
            return new HookState(true, $"completed ({counts})");
        }

        if (conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
        {
            var why = string.Join(": ", new[] { failed.Reason, failed.Message }.Where(t => !string.IsNullOrEmpty(t)));
            return new HookState(false, why.Length == 0 ? $"had failed ({counts})" : $"had failed ({why})");
        }

        return new HookState(false, job.Spec?.Suspend == true ? $"was suspended ({counts})" : $"was still running ({counts})");
    }

    /// <summary>Whether a hook Pod is done, and its state in words: "succeeded", "had failed (migrate: Error, exit code 1)",
    /// "was still Pending (migrate: ImagePullBackOff)".</summary>
    internal static HookState PodState(V1Pod pod)
    {
        var phase = pod.Status?.Phase ?? "Pending";
        if (phase == "Succeeded")
        {
            return new HookState(true, "succeeded");
        }

        var container = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .Select(ContainerState)
            .FirstOrDefault(s => s is not null);
        var detail = container is null ? "" : $" ({container})";
        return new HookState(false, phase == "Failed" ? "had failed" + detail : $"was still {phase}{detail}");
    }

    private static string? ContainerState(V1ContainerStatus status)
    {
        if (status.State?.Waiting is { Reason: { Length: > 0 } waiting })
        {
            return $"{status.Name}: {waiting}";
        }

        if (status.State?.Terminated is { ExitCode: not 0 } terminated)
        {
            return $"{status.Name}: {terminated.Reason ?? "Error"}, exit code {terminated.ExitCode}";
        }

        return null;
    }

    private static async Task<HookCleanupEntry> CleanAsync(IKubernetes client, HookCleanupRequest request, HookResource hook, CancellationToken ct)
    {
        var ns = hook.Namespace ?? request.Namespace;
        var what = Described(hook, request.Revision);
        try
        {
            var isJob = hook.Kind == "Job";
            var (uid, state) = isJob
                ? Read(await client.BatchV1.ReadNamespacedJobAsync(hook.Name, ns, cancellationToken: ct))
                : Read(await client.CoreV1.ReadNamespacedPodAsync(hook.Name, ns, cancellationToken: ct));
            if (state.Succeeded)
            {
                return Entry(request, hook, HookCleanupAction.LeftSucceeded, $"left {hook.Reference}: {what} {state.Text}");
            }

            // The uid precondition: a hook of the same name created meanwhile (by the next deploy) is not this one.
            var options = new V1DeleteOptions { PropagationPolicy = Background, Preconditions = new V1Preconditions { Uid = uid } };
            if (isJob)
            {
                await client.BatchV1.DeleteNamespacedJobAsync(hook.Name, ns, options, cancellationToken: ct);
                return Entry(request, hook, HookCleanupAction.Deleted, $"deleted {hook.Reference}: {what} {state.Text}; its pods go with it");
            }

            await client.CoreV1.DeleteNamespacedPodAsync(hook.Name, ns, options, cancellationToken: ct);
            return Entry(request, hook, HookCleanupAction.Deleted, $"deleted {hook.Reference}: {what} {state.Text}");
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return Entry(request, hook, HookCleanupAction.AlreadyGone, $"{hook.Reference} ({what}) is already gone");
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return Entry(request, hook, HookCleanupAction.Failed, $"left {hook.Reference} ({what}): another {hook.Kind} of that name replaced it while it was being cleaned up");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = e is HttpOperationException { Response.Content: { Length: > 0 } body } ? $"{e.Message}: {body}" : e.Message;
            return Entry(request, hook, HookCleanupAction.Failed, $"could not clean up {hook.Reference} ({what}): {message}");
        }
    }

    private static (string Uid, HookState State) Read(V1Job job) => (job.Metadata.Uid, JobState(job));

    private static (string Uid, HookState State) Read(V1Pod pod) => (pod.Metadata.Uid, PodState(pod));

    /// <summary>"the pre-upgrade hook of the failed revision 4".</summary>
    private static string Described(HookResource hook, int revision) =>
        (hook.Events.Count == 0 ? "the hook" : $"the {string.Join('/', hook.Events)} hook") + $" of the failed revision {revision}";

    private static HookCleanupEntry Ignored(HookCleanupRequest request, HookResource hook) =>
        Entry(request, hook, HookCleanupAction.Ignored, $"left {hook.Reference}: {Described(hook, request.Revision)} is not a Job or Pod, so nothing of it runs");

    private static HookCleanupEntry Entry(HookCleanupRequest request, HookResource hook, HookCleanupAction action, string reason) =>
        new(hook, action, request.Mask(reason));
}
