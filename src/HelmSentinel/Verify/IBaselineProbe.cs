namespace HelmSentinel.Verify;

/// <summary>A probe whose condition may compare with the value before the upgrade (<c>baseline</c>).</summary>
public interface IBaselineProbe
{
    /// <summary>Evaluates the check once, before the upgrade starts, and remembers the value for later samples.</summary>
    /// <param name="cancellationToken">Cancels the capture.</param>
    /// <returns>The baseline as text, or null when there is none (then a condition reading it cannot be decided by it).</returns>
    Task<string?> CaptureBaselineAsync(CancellationToken cancellationToken);
}
