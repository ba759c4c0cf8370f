namespace HelmSentinel.Verify;

/// <summary>Why a success condition does not parse, and where.</summary>
/// <param name="Column">1-based column of the bad token in the condition's text (its length + 1 for the end).</param>
/// <param name="Message">What was found and what was expected, e.g. <c>expected a number, result, baseline or '(' but found '&amp;&amp;'</c>.</param>
public sealed record ConditionSyntaxError(int Column, string Message)
{
    /// <summary><c>column N: message</c>.</summary>
    public override string ToString() => $"column {Column}: {Message}";
}
