using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;

namespace HelmSentinel.Deploy;

/// <summary>
/// A rollout watcher being started beside the deploy's first helm calls (its client set-up and first lists cost about
/// a second, which a healthy deploy must not wait for). Disposing it cancels a start still under way and stops the
/// watcher, so that no watch outlives the deploy whichever way it ends.
/// </summary>
internal sealed class PendingWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel;

    public PendingWatcher(DeployRequest request, SecretMasker masker, TimeProvider time, CancellationToken cancellationToken)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _cancel.Token;
        var options = new RolloutWatcherOptions
        {
            Release = request.Release,
            Namespace = request.Namespace,
            Kubeconfig = request.Kubeconfig,
            KubeContext = request.KubeContext,
            Rules = new FailFastOptions { RestartThreshold = request.RestartThreshold, UnschedulableGrace = request.UnschedulableGrace },
            MigrationHooks = MigrationHookSelection.From(request.MigrationHooks),
            Mask = masker.Mask,
            Time = time,
        };

        // Task.Run: the client's set-up is synchronous CPU work that must not delay the helm calls.
        Start = Task.Run(() => StartAsync(options, token), CancellationToken.None);
    }

    /// <summary>The started watcher, or why there is none (null error: cancelled before it started).</summary>
    public Task<WatcherStart> Start { get; }

    /// <summary>The watcher joining a helm run that started at <paramref name="startedAt"/>, as soon as its first lists are
    /// in (see <see cref="RolloutWatcher.UpgradeStarted"/>). A helm that succeeds before then does not wait for it; one
    /// that fails does, for the diagnosis. Null when there is none; why it could not start is a warning.</summary>
    public async Task<RolloutWatcher?> JoinAsync(Task<HelmProcessResult> running, DateTimeOffset startedAt, OutcomeBuilder outcome)
    {
        if (await Task.WhenAny(running, Start) != Start && (await running).Succeeded)
        {
            return null;
        }

        var start = await Start;
        if (start.Error is { } cannotStart)
        {
            outcome.Warning(cannotStart);
        }

        start.Watcher?.UpgradeStarted(startedAt);
        return start.Watcher;
    }

    /// <summary>The first fatal state <paramref name="watcher"/> saw while <paramref name="running"/> ran; null when helm
    /// ended first.</summary>
    public static async Task<RolloutDiagnosis?> FatalWhileAsync(RolloutWatcher watcher, Task running) =>
        await Task.WhenAny(running, watcher.Fatal) != running && watcher.Fatal.IsCompletedSuccessfully ? await watcher.Fatal : null;

    /// <summary>Stops a watcher that joined a helm run; what it could not do becomes the outcome's warnings.</summary>
    public static async Task StopAsync(RolloutWatcher watcher, OutcomeBuilder outcome)
    {
        await watcher.DisposeAsync();
        foreach (var warning in watcher.Warnings)
        {
            outcome.Warning(warning);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        if ((await Start).Watcher is { } watcher)
        {
            await watcher.DisposeAsync();
        }

        _cancel.Dispose();
    }

    // A watcher that cannot start is not an error (the deploy goes on as plain Helm), so the failure comes back as
    // text for the outcome's warnings, which only the deploy's own thread writes.
    private static async Task<WatcherStart> StartAsync(RolloutWatcherOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return new WatcherStart(await RolloutWatcher.StartAsync(options, TimeSpan.FromSeconds(5), cancellationToken), null);
        }
        catch (OperationCanceledException)
        {
            return new WatcherStart(null, null);
        }
        catch (Exception e)
        {
            return new WatcherStart(null, "fail-fast is off for this deploy: the rollout watcher cannot start: " + e.Message);
        }
    }
}

/// <summary>A started watcher, or the reason it could not start.</summary>
/// <param name="Watcher">The watcher; null when it could not start.</param>
/// <param name="Error">Why it could not start; null when it started or the start was cancelled.</param>
internal sealed record WatcherStart(RolloutWatcher? Watcher, string? Error);
