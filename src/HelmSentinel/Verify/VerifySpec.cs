namespace HelmSentinel.Verify;

/// <summary>
/// The verification after a successful upgrade: checks sampled for a bake window, as <see cref="VerifySpecParser"/>
/// reads it from the <c>verify</c> document. Valid by construction when it comes from the parser.
/// </summary>
public sealed record VerifySpec
{
    /// <summary>The bake when the document gives none: one minute.</summary>
    public static readonly TimeSpan DefaultBake = TimeSpan.FromMinutes(1);

    /// <summary>The sampling interval when the document gives none: ten seconds.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long the checks keep running after the release is Ready (<c>bake</c>; default one minute).</summary>
    public TimeSpan Bake { get; init; } = DefaultBake;

    /// <summary>The time between two samples of a check that sets no interval of its own (<c>interval</c>; default 10 s). At most <see cref="Bake"/>.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>What a check that ends inconclusive means for the deploy (<c>inconclusive</c>; default fail, as CI should).</summary>
    public InconclusivePolicy Inconclusive { get; init; } = InconclusivePolicy.Fail;

    /// <summary>The checks, in the document's order; at least one, names unique.</summary>
    public required IReadOnlyList<VerifyCheck> Checks { get; init; }

    /// <summary>The interval <paramref name="check"/> is sampled at: its own, or the spec's.</summary>
    public TimeSpan IntervalOf(VerifyCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return check.Interval ?? Interval;
    }
}
