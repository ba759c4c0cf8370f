namespace HelmSentinel.Verify;

/// <summary><c>helm test</c> on the new release, run once at the start of the bake (so it takes no interval and no
/// failure limit: one failed run fails the check).</summary>
public sealed record HelmTestCheck : VerifyCheck
{
    /// <summary>Helm's own default <c>--timeout</c>: five minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public override string Kind => "helmTest";

    /// <summary>The time <c>helm test</c> may take (<c>--timeout</c>; default 5 min, Helm's).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Helm's <c>--filter</c> entries, each <c>name=TEST</c> or <c>!name=TEST</c>; empty runs every test.</summary>
    public IReadOnlyList<string> Filter { get; init; } = [];
}
