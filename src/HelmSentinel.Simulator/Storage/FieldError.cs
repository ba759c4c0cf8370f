namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// One validation error as apimachinery's <c>field.Error</c> renders it: <see cref="Field"/> is the path
/// (<c>spec.selector</c>), <see cref="Body"/> the rest (<c>Invalid value: ...: field is immutable</c>), <see cref="Reason"/>
/// the cause type of the Status (<c>FieldValueInvalid</c>, <c>FieldValueForbidden</c>).
/// </summary>
internal sealed record FieldError(string Field, string Reason, string Body)
{
    /// <summary>The generic detail of an immutable field (<c>FieldImmutableErrorMsg</c>).</summary>
    public const string Immutable = "field is immutable";

    /// <summary>An invalid value, <paramref name="value"/> already rendered as Go's <c>%#v</c> would.</summary>
    public static FieldError Invalid(string field, string value, string detail) => new(field, "FieldValueInvalid", $"Invalid value: {value}: {detail}");

    /// <summary>A forbidden change.</summary>
    public static FieldError Forbidden(string field, string detail) => new(field, "FieldValueForbidden", $"Forbidden: {detail}");
}
