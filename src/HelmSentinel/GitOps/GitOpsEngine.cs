using HelmSentinel.GitOps.ArgoCd;
using HelmSentinel.GitOps.Kube;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.GitOps;

/// <summary>
/// Runs a GitOps watch for an entry point: opens the source the request names (Argo CD's REST API, or the Argo CD or Flux
/// objects through the Kubernetes API), adds the Argo CD rollback when asked, and runs the watch with the revert the entry
/// point gives (it knows the platform the pull request goes to). Never throws for a failed revision.
/// </summary>
/// <param name="log">The live log.</param>
/// <param name="time">The clock.</param>
/// <param name="http">Sends Argo CD's requests; null for a client of its own.</param>
public sealed class GitOpsEngine(IDeployLog log, TimeProvider time, HttpMessageHandler? http = null)
{
    /// <summary>Watches and acts.</summary>
    /// <param name="request">The parsed request.</param>
    /// <param name="revert">Makes the revert; null when the request asks for none or the platform has no way to.</param>
    /// <param name="cancellationToken">Stops the watch.</param>
    public async Task<GitOpsOutcome> RunAsync(
        GitOpsRequest request, Func<GitOpsOutcome, CancellationToken, Task<GitOpsRevertReport>>? revert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var masker = new SecretMasker(request.Secrets);
        using var client = http is null ? new HttpClient() : new HttpClient(http, disposeHandler: false);
        IAppSource source;
        Func<AppHistoryEntry, CancellationToken, Task<string>>? rollback = null;
        try
        {
            (source, rollback) = Open(request, client, masker);
        }
        catch (GitOpsSourceException e)
        {
            log.Error(masker.Mask(e.Message));
            return new GitOpsOutcome
            {
                Request = request,
                Result = e.Failure == GitOpsSourceFailure.Unreachable ? GitOpsResult.Unreachable : GitOpsResult.Rejected,
                Reason = masker.Mask(e.Message),
                Source = request.Target.ToString(),
                Masker = masker,
            };
        }

        if (request.Destination is { } destination)
        {
            try
            {
                var interval = request.PollInterval < TimeSpan.FromSeconds(2) ? request.PollInterval : TimeSpan.FromSeconds(2);
                source = new FailFastSource(source, KubeClients.Create(destination.Kubeconfig, destination.Context), new Kubernetes.FailFastOptions(), time, interval);
            }
            catch (k8s.Exceptions.KubeConfigException e)
            {
                await source.DisposeAsync();
                var reason = masker.Mask($"destination-kubeconfig: the {KubeClients.Describe(destination.Kubeconfig, destination.Context)} cannot be used: {e.Message}");
                log.Error(reason);
                return new GitOpsOutcome { Request = request, Result = GitOpsResult.Rejected, Reason = reason, Source = source.Name, Masker = masker };
            }
        }

        await using (source)
        {
            var actions = new GitOpsActions
            {
                Revert = request.Revert == RevertMode.None ? null : revert,
                ArgoCdRollback = request.ArgoCdRollback ? rollback : null,
            };
            var outcome = await new GitOpsRunner(log, time).RunAsync(request, source, actions, cancellationToken);
            if (request.ArgoCdRollback && rollback is null)
            {
                outcome = outcome with { Warnings = [.. outcome.Warnings, "on-failure-argocd-rollback needs Argo CD's REST API (argocd-server); through the Kubernetes API only the revert is made"] };
            }

            return outcome;
        }
    }

    private (IAppSource Source, Func<AppHistoryEntry, CancellationToken, Task<string>>? Rollback) Open(GitOpsRequest request, HttpClient client, SecretMasker masker)
    {
        switch (request.Target)
        {
            case GitOpsTarget.ArgoCdRest rest:
                var argo = new ArgoCdRestClient(client, rest.Server, rest.Token, rest.TokenVariable, time: time, onRetry: m => log.Warning(masker.Mask(m)));
                var source = new ArgoCdRestSource(argo, rest.App, request.Revision, rest.AppNamespace, pollInterval: request.PollInterval, time: time);
                return (source, async (entry, ct) =>
                {
                    try
                    {
                        await argo.RollbackAsync(rest.App, entry.Id, rest.AppNamespace, cancellationToken: ct);
                        return $"Argo CD rolled back to history {entry.Id} (revision {GitOpsWatch.Short(entry.Revision)})";
                    }
                    catch (ArgoCdRollbackRefusedException e)
                    {
                        return $"Argo CD refused the rollback to history {entry.Id}: {e.Message}";
                    }
                });
            case GitOpsTarget.ArgoCdKube kube:
                return (Connect(kube.Kube, () => new ArgoCdKubeSource(kube.Kube, kube.Namespace, kube.Name, request.Revision, time)), null);
            case GitOpsTarget.Flux flux:
                return (Connect(flux.Kube, () => FluxSource.Connect(flux.Kube.Kubeconfig, flux.Kube.Context, flux.Kustomization, flux.HelmReleases, request.Revision, time)), null);
            default:
                throw new GitOpsSourceException(GitOpsSourceFailure.NotFound, $"{request.Target} cannot be watched");
        }
    }

    // A kubeconfig that cannot be loaded is bad input, named, with nothing read.
    private static IAppSource Connect(KubeAccess kube, Func<IAppSource> open)
    {
        try
        {
            return open();
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new GitOpsSourceException(GitOpsSourceFailure.NotFound,
                $"the kubeconfig {KubeClients.Describe(kube.Kubeconfig, kube.Context)} cannot be used: {e.Message}", e);
        }
    }
}
