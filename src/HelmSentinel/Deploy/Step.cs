namespace HelmSentinel.Deploy;

/// <summary>What a phase of the deploy leaves: the value the next phase continues with, or the verdict the deploy ended with.</summary>
internal readonly struct Step<T>
{
    private readonly T? _value;
    private readonly Verdict? _ended;

    private Step(T? value, Verdict? ended)
    {
        _value = value;
        _ended = ended;
    }

    public static Step<T> Continue(T value) => new(value, null);

    public static Step<T> End(Verdict verdict) => new(default, verdict);

    public static implicit operator Step<T>(Verdict verdict) => End(verdict);

    /// <summary>True when the deploy ended here (<paramref name="verdict"/>); false with the <paramref name="value"/> to continue with.</summary>
    public bool Ended([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Verdict? verdict, out T value)
    {
        verdict = _ended;
        value = _value!;
        return _ended is not null;
    }
}
