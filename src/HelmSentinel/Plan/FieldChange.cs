namespace HelmSentinel.Plan;

/// <summary>One field that differs between two versions of an object.</summary>
/// <param name="Path">Where, e.g. <c>spec.template.spec.containers[name=web].image</c> or <c>data["app.conf"]</c>.</param>
/// <param name="Before">The old value as text (a scalar as it is, a map or list as compact JSON); null when the field is new.</param>
/// <param name="After">The new value as text; null when the field is removed.</param>
/// <param name="Lines">For a long or multi-line string: its line diff (<c>- </c>, <c>+ </c> and <c>  </c> lines, context cut
/// to two lines around each change); null otherwise.</param>
public sealed record FieldChange(string Path, string? Before, string? After, IReadOnlyList<string>? Lines = null);
