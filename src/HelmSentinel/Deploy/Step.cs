namespace HelmSentinel.Deploy;

/// <summary>What a phase of the deploy leaves: the value the next phase continues with, or the outcome the deploy ended with.</summary>
internal readonly struct Step<T>
{
    private readonly T? _value;
    private readonly DeployOutcome? _ended;

    private Step(T? value, DeployOutcome? ended)
    {
        _value = value;
        _ended = ended;
    }

    public static Step<T> Continue(T value) => new(value, null);

    public static Step<T> End(DeployOutcome outcome) => new(default, outcome);

    public static implicit operator Step<T>(DeployOutcome outcome) => End(outcome);

    /// <summary>True when the deploy ended here (<paramref name="outcome"/>); false with the <paramref name="value"/> to continue with.</summary>
    public bool Ended([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeployOutcome? outcome, out T value)
    {
        outcome = _ended;
        value = _value!;
        return _ended is not null;
    }
}
