namespace HelmSentinel.Verify;

/// <summary>The variables a <see cref="Condition"/> reads.</summary>
[Flags]
public enum ConditionVariables
{
    /// <summary>Only numbers: the condition is a constant.</summary>
    None = 0,

    /// <summary><c>result</c>: the value the check measured in this sample.</summary>
    Result = 1,

    /// <summary><c>baseline</c>: the same measurement taken once before the upgrade (Prometheus checks only).</summary>
    Baseline = 2,
}
