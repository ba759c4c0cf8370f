namespace HelmSentinel.Verify;

/// <summary>
/// An HTTP request per sample, through the API server's service proxy (<see cref="Service"/> and
/// <see cref="Path"/>) or to a full <see cref="Url"/>; exactly one of the two is set. A sample succeeds when the
/// status is expected, the body contains <see cref="BodyContains"/> (when set) and the number at
/// <see cref="JsonPath"/> meets <see cref="SuccessCondition"/> (when set). A timeout or a refused connection is an
/// error, not a failure (see <see cref="VerifyCheck.ConsecutiveErrorLimit"/>).
/// </summary>
public sealed record HttpCheck : VerifyCheck
{
    /// <summary>The request timeout when the document gives none: five seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public override string Kind => "http";

    /// <summary>The Service port to call through the API server's proxy; null when <see cref="Url"/> is set.</summary>
    public ServiceReference? Service { get; init; }

    /// <summary>An absolute http or https URL, without user information; null when <see cref="Service"/> is set.</summary>
    public Uri? Url { get; init; }

    /// <summary>The path (and query) behind the service proxy, starting with <c>/</c> (default <c>/</c>); only with <see cref="Service"/>.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The method, upper case (default <c>GET</c>).</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The statuses that count as success (default any 2xx).</summary>
    public IReadOnlyList<ExpectedStatus> ExpectStatus { get; init; } = [ExpectedStatus.Success];

    /// <summary>Text the body must contain (ordinal), or null.</summary>
    public string? BodyContains { get; init; }

    /// <summary>
    /// Where the number to judge sits in a JSON body: <c>$</c> followed by <c>.name</c>, <c>['name']</c> or <c>[index]</c>
    /// steps, e.g. <c>$.checks[0].latency</c>; the value must be a JSON number (or a string holding one). Set exactly
    /// when <see cref="SuccessCondition"/> is.
    /// </summary>
    public string? JsonPath { get; init; }

    /// <summary>The condition on the number at <see cref="JsonPath"/> (as <c>result</c>; there is no baseline), or null.</summary>
    public Condition? SuccessCondition { get; init; }

    /// <summary>The time one request may take (default 5 s).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
