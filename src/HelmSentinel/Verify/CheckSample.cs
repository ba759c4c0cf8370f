namespace HelmSentinel.Verify;

/// <summary>One sample of a check, as a probe took it.</summary>
/// <param name="Kind">What the sample says.</param>
/// <param name="Value">The observed value as text (<c>503</c>, <c>0.23</c>), or null when there is none.</param>
/// <param name="Message">One line saying what was seen, e.g. <c>GET /healthz answered 503 (expected 200)</c>.</param>
public sealed record CheckSample(SampleKind Kind, string? Value, string Message);
