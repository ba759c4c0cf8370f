namespace HelmSentinel.Verify;

/// <summary>The names reports and outputs give verdicts: lower case, one word.</summary>
public static class VerificationNames
{
    /// <summary><c>passed</c>, <c>failed</c> or <c>cancelled</c>; <c>skipped</c> when there was no verification.</summary>
    public static string Of(VerificationReport? report) => report?.Verdict switch
    {
        null => "skipped",
        VerificationVerdict.Passed => "passed",
        VerificationVerdict.Failed => "failed",
        VerificationVerdict.Cancelled => "cancelled",
        _ => report.Verdict.ToString().ToLowerInvariant(),
    };

    /// <summary><c>passed</c>, <c>failed</c>, <c>inconclusive</c> or <c>not run</c>.</summary>
    public static string Of(CheckVerdict verdict) => verdict switch
    {
        CheckVerdict.Passed => "passed",
        CheckVerdict.Failed => "failed",
        CheckVerdict.Inconclusive => "inconclusive",
        CheckVerdict.NotRun => "not run",
        _ => verdict.ToString().ToLowerInvariant(),
    };
}
