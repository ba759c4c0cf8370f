using System.Text.Json;
using System.Text.Json.Nodes;
using HelmSentinel.Drift;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Plan;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// The deploy's part of <see cref="ExternalConfig"/>: before the upgrade, the ConfigMaps and Secrets its manifest's pods
/// read, classified and fingerprinted, with the fingerprints as the new revision's release labels; after a rollback, what
/// of them changed since the target revision. The manifest is the preflight's render when there was one; otherwise helm's
/// server dry run of the same upgrade, which renders what the upgrade will (reused values, <c>lookup</c>, the cluster's
/// capabilities) and writes nothing. Nothing here fails a deploy: what cannot be read is a warning. Off when the deploy
/// stays off the cluster (fail-fast, the forced rollback and the preflight off).
/// </summary>
internal sealed class ExternalConfigPhase(DeployRequest request, HelmCli helm, OutcomeBuilder outcome, IDeployLog log, CancellationToken cancellationToken)
{
    /// <summary>The <c>--labels</c> of the upgrade; empty until collected.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; private set; } = new Dictionary<string, string>();

    private bool Applies => request.Preflight || request.FailFast || request.ForceRollbackPods;

    /// <summary>Collects the external configuration of the manifest about to be deployed.</summary>
    /// <param name="version">The helm client's version.</param>
    /// <param name="preflight">The preflight's plan, when it ran: its render is reused.</param>
    /// <param name="history">The history as the upgrade finds it: its newest revision's labels are the ones helm merges with.</param>
    public async Task CollectAsync(HelmVersion version, DeployPlan? preflight, ReleaseHistory history)
    {
        if (!Applies)
        {
            return;
        }

        using (outcome.Phase("external-config"))
        {
            var rendered = preflight is { Rendered.Count: > 0 } ? preflight.Rendered : await RenderAsync(version);
            if (rendered is null)
            {
                return;
            }

            ExternalConfigScan scan;
            try
            {
                scan = await ExternalConfig.CollectAsync(request.Target, rendered, history.Latest?.Revision, outcome.Time, cancellationToken);
            }
            catch (ClusterUnreachableException e)
            {
                outcome.Warning($"the external configuration was not fingerprinted: {TextFormat.OneLine(e.Message)}");
                return;
            }

            outcome.ExternalConfig = scan.Objects;
            Labels = scan.Labels;
            foreach (var note in scan.Notes)
            {
                outcome.Warning(note);
            }

            var outside = scan.Objects.Where(o => o.NotReverted).ToList();
            if (outside.Count > 0)
            {
                log.Info(outcome.Masker.Mask(
                    $"not reverted by a rollback: {string.Join(", ", outside.Select(o => $"{o.Display} ({o.ClassText}{(o.Fingerprint is { } f ? ", " + f.Short : "")})"))}"));
            }
        }
    }

    /// <summary>After a rollback to <paramref name="revision"/>: each object outside the release that changed since, as a warning.</summary>
    public async Task CompareAsync(int revision)
    {
        if (!Applies)
        {
            return;
        }

        using (outcome.Phase("config-drift"))
        {
            ConfigComparison comparison;
            try
            {
                comparison = await ExternalConfig.CompareAsync(helm, request.Target, revision, outcome.Time, CancellationToken.None);
            }
            catch (Exception e) when (e is HelmCommandException or ClusterUnreachableException or FormatException)
            {
                outcome.Warning($"the external configuration could not be compared with revision {revision}: {TextFormat.OneLine(e.Message)}");
                return;
            }

            outcome.ConfigChanges = comparison.Changes;
            foreach (var change in comparison.Changes)
            {
                outcome.Warning(change.Describe());
            }

            foreach (var note in comparison.Notes)
            {
                log.Info(outcome.Masker.Mask(note));
            }
        }
    }

    /// <summary>The missing configuration that explains pods in <c>CreateContainerConfigError</c>, or null.</summary>
    public string? ConfigErrorCause(RolloutDiagnosis? diagnosis) => ConfigClassifier.ConfigErrorCause(diagnosis, outcome.ExternalConfig);

    private async Task<IReadOnlyList<ManifestObject>?> RenderAsync(HelmVersion version)
    {
        var render = await helm.DryRunAsync(request.ToHelmUpgrade(), version, server: true, cancellationToken);
        if (!render.Succeeded)
        {
            outcome.Warning($"the external configuration was not fingerprinted: helm's server dry run failed: {TextFormat.FirstLine(outcome.Masker.Mask(render.ErrorText).Trim())}");
            return null;
        }

        try
        {
            var release = JsonNode.Parse(render.StandardOutput) as JsonObject ?? throw new FormatException("not a JSON object");
            return PlanEngine.Proposed(release, request.Namespace);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            outcome.Warning($"the external configuration was not fingerprinted: helm's dry run printed what cannot be read: {TextFormat.OneLine(e.Message)}");
            return null;
        }
    }
}
