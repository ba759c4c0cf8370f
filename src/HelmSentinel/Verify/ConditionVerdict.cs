namespace HelmSentinel.Verify;

/// <summary>What a <see cref="Condition"/> says about one sample.</summary>
public enum ConditionVerdict
{
    /// <summary>The condition holds: the sample is a success.</summary>
    Met,

    /// <summary>The condition does not hold: the sample is a failure.</summary>
    NotMet,

    /// <summary>The condition cannot be decided because it needs <c>baseline</c> and there is none.</summary>
    Undecidable,
}
