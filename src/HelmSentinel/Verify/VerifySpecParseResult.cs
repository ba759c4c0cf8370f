using System.Diagnostics.CodeAnalysis;

namespace HelmSentinel.Verify;

/// <summary>What <see cref="VerifySpecParser.Parse"/> made of a document: the spec, or every error found in it.</summary>
public sealed record VerifySpecParseResult
{
    private VerifySpecParseResult(VerifySpec? spec, IReadOnlyList<VerifyError> errors)
    {
        Spec = spec;
        Errors = errors;
    }

    /// <summary>The spec; null exactly when there are errors.</summary>
    public VerifySpec? Spec { get; }

    /// <summary>Every problem found, in document order; empty when the document is valid.</summary>
    public IReadOnlyList<VerifyError> Errors { get; }

    /// <summary>True when the document is valid and <see cref="Spec"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Spec))]
    public bool Succeeded => Spec is not null;

    internal static VerifySpecParseResult Parsed(VerifySpec spec) => new(spec, []);

    internal static VerifySpecParseResult Failed(IReadOnlyList<VerifyError> errors) => new(null, errors);
}
