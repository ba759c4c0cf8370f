using HelmSentinel.Text;
using HelmSentinel.Verify;

namespace HelmSentinel.Reporting;

/// <summary>What the text and Markdown reports say about a verification, before either one's formatting: the verdict
/// sentence and each check's values, masked. Pure.</summary>
internal static class VerificationSummary
{
    /// <summary>The verdict in one line without decoration, its name first then <c>: </c>: <c>passed: 2 checks over 1m0s</c>,
    /// <c>failed: healthz: GET /healthz answered 503 (expected 200)</c>, <c>cancelled: the release is left deployed, its checks unfinished (cancelled 12s into the 1m bake)</c>.</summary>
    public static string Verdict(VerificationReport report, SecretMasker masker)
    {
        var over = GoDuration.FormatCompact(report.Ended - report.Started);
        var reason = string.IsNullOrWhiteSpace(report.Reason) ? null : TextFormat.OneLine(masker.Mask(report.Reason.Trim()));
        var failed = report.FailedCheck is null ? null : TextFormat.OneLine(masker.Mask(report.FailedCheck));
        return report.Verdict switch
        {
            VerificationVerdict.Passed => $"passed: {Count(report.Checks.Count)} over {over}",
            // The reason names the check already ("healthz: ..."); say the name only when it does not.
            VerificationVerdict.Failed => "failed: " + (reason, failed) switch
            {
                ({ } why, { } name) when why.StartsWith(name + ":", StringComparison.Ordinal) => why,
                ({ } why, { } name) => $"check {name}: {why}",
                ({ } why, null) => why,
                (null, { } name) => $"check {name}",
                _ => "a check failed",
            },
            VerificationVerdict.Cancelled => $"cancelled: the release is left deployed, its checks unfinished ({reason ?? "after " + over})",
            _ => VerificationNames.Of(report),
        };
    }

    /// <summary>The check's report with every text masked and on one line (null stays null).</summary>
    public static CheckReport Masked(CheckReport check, SecretMasker masker) => check with
    {
        Name = Line(check.Name, masker)!,
        Kind = Line(check.Kind, masker)!,
        LastValue = Line(check.LastValue, masker),
        Condition = Line(check.Condition, masker),
        Baseline = Line(check.Baseline, masker),
        Reason = Line(check.Reason, masker),
    };

    private static string? Line(string? text, SecretMasker masker) => text is null ? null : TextFormat.OneLine(masker.Mask(text));

    private static string Count(int checks) => checks == 1 ? "1 check" : $"{TextFormat.Number(checks)} checks";
}
