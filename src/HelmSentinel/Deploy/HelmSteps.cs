using HelmSentinel.Helm;

namespace HelmSentinel.Deploy;

/// <summary>The first steps every guarded helm operation (a deploy, a rollback by hand) starts with: which helm this
/// is, and the release's history.</summary>
internal static class HelmSteps
{
    /// <summary>Runs <c>helm version</c>: the dialect to speak, or the verdict that no supported helm is there.</summary>
    public static async Task<Step<HelmVersion>> DetectAsync(HelmCli helm, OutcomeBuilder outcome, IDeployLog log, CancellationToken cancellationToken)
    {
        using (outcome.Phase("detect-helm"))
        {
            HelmVersion version;
            try
            {
                version = await helm.VersionAsync(cancellationToken);
            }
            catch (Exception e) when (e is HelmNotFoundException or FormatException)
            {
                return new Verdict(DeployResult.Unreachable, e.Message);
            }

            outcome.HelmVersion = version.Text;
            if (!version.IsSupported)
            {
                return new Verdict(DeployResult.Unreachable, new UnsupportedHelmVersionException(version).Message);
            }

            log.Info($"helm {version.Text} (Helm {version.Major} dialect)");
            return Step<HelmVersion>.Continue(version);
        }
    }

    /// <summary>Runs <c>helm history</c>; a failure is an answer (the error), not an exception.</summary>
    public static async Task<HistoryRead> TryReadHistoryAsync(HelmCli helm, HelmTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return new HistoryRead(await helm.HistoryAsync(target, cancellationToken), null);
        }
        catch (HelmCommandException e)
        {
            return new HistoryRead(null, e.Message);
        }
        catch (FormatException e)
        {
            return new HistoryRead(null, "helm history printed something that is not its JSON: " + e.Message);
        }
    }

    /// <summary>The history as the first read left it, in the <c>read-history</c> phase; unreadable ends as unreachable.</summary>
    public static async Task<Step<ReleaseHistory>> ReadHistoryAsync(Task<HistoryRead> reading, OutcomeBuilder outcome)
    {
        using (outcome.Phase("read-history"))
        {
            var read = await reading;
            if (read.History is not { } history)
            {
                return new Verdict(DeployResult.Unreachable, read.Error ?? "cannot read the release history");
            }

            outcome.History = history;
            return Step<ReleaseHistory>.Continue(history);
        }
    }

    /// <summary>True when the newest revision is deployed and is a rollback to <paramref name="revision"/> written after
    /// <paramref name="after"/> (Helm's atomic rollback and <c>helm rollback</c> both describe it <c>Rollback to N</c>).</summary>
    public static bool IsRollbackTo(ReleaseHistory history, int revision, int after) =>
        history.Latest is { Status: ReleaseStatus.Deployed } latest &&
        latest.Revision > after &&
        latest.Description.StartsWith($"Rollback to {revision}", StringComparison.Ordinal);
}

/// <summary>A history read: the history, or why it could not be read.</summary>
internal sealed record HistoryRead(ReleaseHistory? History, string? Error);
