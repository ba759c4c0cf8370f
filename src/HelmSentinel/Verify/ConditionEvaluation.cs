namespace HelmSentinel.Verify;

/// <summary>The verdict of a <see cref="Condition"/> on one sample, with the facts that decided it.</summary>
/// <param name="Verdict">Met, not met, or undecidable for want of a baseline.</param>
/// <param name="Reason">
/// The decisive comparisons with the values put in, as reports print them, e.g.
/// <c>0.23 &gt;= 0.01 and &gt; baseline 0.002 * 1.2</c> (see <see cref="Condition.Describe"/>).
/// </param>
public sealed record ConditionEvaluation(ConditionVerdict Verdict, string Reason);
