namespace HelmSentinel.Verify;

/// <summary>One row of the verification table.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Kind">Its kind as the document writes it (<c>helmTest</c>, <c>http</c>, <c>prometheus</c>).</param>
/// <param name="Samples">Samples taken (those cut short by the end of the bake are not counted).</param>
/// <param name="Failures">Failed samples.</param>
/// <param name="Errors">Error samples (all of them, not only the last run of them).</param>
/// <param name="LastValue">The last value observed, or null when no sample had one.</param>
/// <param name="Condition">The success condition as written, or null when the check has none.</param>
/// <param name="Baseline">The pre-upgrade value the condition compared with, or null.</param>
/// <param name="Verdict">How the check ended.</param>
/// <param name="Reason">Why, on one line, for every verdict but <see cref="CheckVerdict.Passed"/> (null then).</param>
public sealed record CheckReport(
    string Name,
    string Kind,
    int Samples,
    int Failures,
    int Errors,
    string? LastValue,
    string? Condition,
    string? Baseline,
    CheckVerdict Verdict,
    string? Reason);
