using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace HelmSentinel.Verify;

/// <summary>What <see cref="Condition.Parse"/> made of a text: the condition, or the first syntax error.</summary>
public sealed record ConditionParseResult
{
    private ConditionParseResult(Condition? condition, ConditionSyntaxError? error)
    {
        Condition = condition;
        Error = error;
    }

    /// <summary>The parsed condition; null exactly when <see cref="Error"/> is set.</summary>
    public Condition? Condition { get; }

    /// <summary>Why the text is not a condition; null exactly when <see cref="Condition"/> is set.</summary>
    public ConditionSyntaxError? Error { get; }

    /// <summary>True when the text parsed: <see cref="Condition"/> is set, otherwise <see cref="Error"/> is.</summary>
    [MemberNotNullWhen(true, nameof(Condition))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded
    {
        get
        {
            if (Condition is not null)
            {
                return true;
            }

            return Error is null ? throw new UnreachableException("A parse result holds a condition or an error.") : false;
        }
    }

    internal static ConditionParseResult Parsed(Condition condition) => new(condition, null);

    internal static ConditionParseResult Failed(ConditionSyntaxError error) => new(null, error);
}
