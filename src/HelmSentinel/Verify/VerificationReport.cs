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
    DateTimeOffset Ended)
{
    /// <summary>The report with every text <paramref name="mask"/>ed: what a check read (a body, a label value) may carry
    /// a secret, and the outcome holds nothing unmasked.</summary>
    public VerificationReport MaskedWith(Func<string, string> mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        string? M(string? text) => text is null ? null : mask(text);
        return this with
        {
            Checks = [.. Checks.Select(c => c with
            {
                Name = mask(c.Name),
                Kind = mask(c.Kind),
                LastValue = M(c.LastValue),
                Condition = M(c.Condition),
                Baseline = M(c.Baseline),
                Reason = M(c.Reason),
            })],
            FailedCheck = M(FailedCheck),
            Reason = M(Reason),
        };
    }
}
