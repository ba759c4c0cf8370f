using System.Globalization;

namespace HelmSentinel.Verify;

/// <summary>An HTTP status an <see cref="HttpCheck"/> accepts: one code (<c>200</c>) or a class (<c>2xx</c>).</summary>
/// <param name="Low">The lowest code accepted.</param>
/// <param name="High">The highest code accepted (equal to <paramref name="Low"/> for one code).</param>
public sealed record ExpectedStatus(int Low, int High)
{
    /// <summary>Any 2xx: what an HTTP check accepts when the document gives no <c>expectStatus</c>.</summary>
    public static readonly ExpectedStatus Success = new(200, 299);

    /// <summary>True when <paramref name="status"/> is accepted.</summary>
    public bool Matches(int status) => status >= Low && status <= High;

    /// <summary><c>200</c>, or <c>2xx</c> for a class.</summary>
    public override string ToString() =>
        Low == High ? Low.ToString(CultureInfo.InvariantCulture) : (Low / 100).ToString(CultureInfo.InvariantCulture) + "xx";
}
