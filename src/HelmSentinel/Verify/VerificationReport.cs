namespace HelmSentinel.Verify;

/// <summary>What <see cref="VerificationRun.RunAsync"/> found.</summary>
/// <param name="Verdict">How the verification ended.</param>
/// <param name="Checks">One report per check, in the document's order.</param>
/// <param name="FailedCheck">The check that failed the verification, or null.</param>
/// <param name="Reason">Why it failed or was cancelled, on one line naming the check
/// (<c>healthz: GET /healthz answered 503 (expected 200)</c>); null when it passed.</param>
/// <param name="Started">When the bake started.</param>
/// <param name="Ended">When it ended.</param>
public sealed record VerificationReport(
    VerificationVerdict Verdict,
    IReadOnlyList<CheckReport> Checks,
    string? FailedCheck,
    string? Reason,
    DateTimeOffset Started,
    DateTimeOffset Ended);
