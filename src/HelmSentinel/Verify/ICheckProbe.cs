namespace HelmSentinel.Verify;

/// <summary>Takes one sample of one check: the single seam between <see cref="VerificationRun"/> and the world.</summary>
public interface ICheckProbe
{
    /// <summary>Takes one sample. A probe that throws gives an <see cref="SampleKind.Error"/> sample with the exception's message.</summary>
    /// <param name="cancellationToken">Cancelled when the bake ends early (another check failed, the job was cancelled).</param>
    Task<CheckSample> SampleAsync(CancellationToken cancellationToken);
}
