namespace HelmSentinel.Helm;

/// <summary>The one process seam: runs helm. Tests script it; production uses <see cref="CliWrapHelmProcess"/>.</summary>
public interface IHelmProcess
{
    /// <summary>Runs helm to completion. Cancelling <paramref name="cancellationToken"/> interrupts helm
    /// gracefully (SIGINT, so Helm marks the release failed) and kills it after a grace period.</summary>
    /// <exception cref="HelmNotFoundException">The binary could not be started.</exception>
    Task<HelmProcessResult> RunAsync(HelmInvocation invocation, CancellationToken cancellationToken = default);
}
