namespace HelmSentinel.Verify;

/// <summary>One problem with a <c>verify</c> document, found before anything runs.</summary>
/// <param name="Check">The check concerned: its name, or <c>#N</c> (1-based) when it has none; null for the document's own fields.</param>
/// <param name="Field">The field as the document writes it, e.g. <c>bake</c>, <c>http.service</c>, <c>prometheus.successCondition</c>, <c>kind</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
/// <param name="Line">The 1-based line of the offending node in the document, when known.</param>
public sealed record VerifyError(string? Check, string Field, string Message, int? Line)
{
    /// <summary><c>check healthz, http.path (line 7): message</c>, the form printed in logs.</summary>
    public override string ToString() =>
        (Check is null ? "" : "check " + Check + ", ") + Field + (Line is { } line ? $" (line {line})" : "") + ": " + Message;
}
