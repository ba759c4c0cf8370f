using System.Globalization;

namespace HelmSentinel.Simulator.Cluster;

/// <summary>How a simulated app answers HTTP once its container is Running and Ready.</summary>
public enum HttpBehaviourKind
{
    /// <summary>200 with a small JSON body on every path.</summary>
    Ok,

    /// <summary>500 on every request.</summary>
    Error,

    /// <summary>500 for <see cref="HttpBehaviour.Percent"/> of the requests, the same ones every time (see <see cref="HttpBehaviour.Fails"/>).</summary>
    ErrorFraction,

    /// <summary>200, but only <see cref="HttpBehaviour.Seconds"/> after the request arrived (on the simulator's clock).</summary>
    Slow,

    /// <summary>200 for <see cref="HttpBehaviour.Seconds"/> after the container became Ready, 500 from then on.</summary>
    FailAfter,
}

/// <summary>
/// An app's HTTP behaviour, as pure decisions: what the <c>n</c>-th request gets, and how the synthetic steady traffic
/// that feeds <c>/metrics</c> has been answered so far. Nothing here reads a clock; callers pass the time since Ready.
/// </summary>
/// <param name="Kind">What the app does.</param>
/// <param name="Seconds">For <see cref="HttpBehaviourKind.Slow"/>: the delay of every answer; for <see cref="HttpBehaviourKind.FailAfter"/>:
/// how long it stays healthy after Ready.</param>
/// <param name="Percent">For <see cref="HttpBehaviourKind.ErrorFraction"/>: the share of requests answered 500, 0 to 100.</param>
public sealed record HttpBehaviour(HttpBehaviourKind Kind, double Seconds = 0, int Percent = 0)
{
    /// <summary>Every request answered 200 at once.</summary>
    public static HttpBehaviour Healthy { get; } = new(HttpBehaviourKind.Ok);

    /// <summary>Parses the part after <c>http-</c> in an image behaviour name (<c>500</c>, <c>500-30</c>, <c>slow-5</c>,
    /// <c>fail-after-60</c>), or <c>ok</c>; false for anything else.</summary>
    public static bool TryParse(string text, out HttpBehaviour behaviour)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        behaviour = Healthy;
        switch (t)
        {
            case "ok" or "200":
                return true;
            case "500":
                behaviour = new HttpBehaviour(HttpBehaviourKind.Error);
                return true;
        }

        if (t.StartsWith("500-", StringComparison.Ordinal) &&
            int.TryParse(t[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100)
        {
            behaviour = new HttpBehaviour(HttpBehaviourKind.ErrorFraction, Percent: percent);
            return true;
        }

        if (Seconds("slow-") is { } slow)
        {
            behaviour = new HttpBehaviour(HttpBehaviourKind.Slow, Seconds: slow);
            return true;
        }

        if (Seconds("fail-after-") is { } healthyFor)
        {
            behaviour = new HttpBehaviour(HttpBehaviourKind.FailAfter, Seconds: healthyFor);
            return true;
        }

        return false;

        double? Seconds(string prefix) =>
            t.StartsWith(prefix, StringComparison.Ordinal) &&
            double.TryParse(t[prefix.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 && double.IsFinite(s)
                ? s
                : null;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not an HTTP behaviour.</exception>
    public static HttpBehaviour Parse(string text) =>
        TryParse(text ?? throw new ArgumentNullException(nameof(text)), out var b)
            ? b
            : throw new FormatException($"Unknown HTTP behaviour '{text}'. Use one of: ok, 500, 500-<percent>, slow-<seconds>, fail-after-<seconds>.");

    /// <summary>
    /// Whether the <paramref name="n"/>-th request (1-based) of an <see cref="HttpBehaviourKind.ErrorFraction"/> app fails:
    /// when ⌊n·p/100⌋ &gt; ⌊(n−1)·p/100⌋. That is every k-th request for p = 100/k (50: every 2nd, 25: every 4th), and
    /// exactly p of every 100 consecutive requests, evenly spread, for any p.
    /// </summary>
    public static bool Fails(long n, int percent) => n >= 1 && n * percent / 100 > (n - 1) * percent / 100;

    /// <summary>The status code and the delay of the <paramref name="n"/>-th request (1-based) that arrives
    /// <paramref name="sinceReady"/> after the container became Ready.</summary>
    public (int Code, TimeSpan Delay) Answer(long n, TimeSpan sinceReady) => Kind switch
    {
        HttpBehaviourKind.Error => (500, TimeSpan.Zero),
        HttpBehaviourKind.ErrorFraction => (Fails(n, Percent) ? 500 : 200, TimeSpan.Zero),
        HttpBehaviourKind.Slow => (200, TimeSpan.FromSeconds(Seconds)),
        HttpBehaviourKind.FailAfter => (sinceReady >= TimeSpan.FromSeconds(Seconds) ? 500 : 200, TimeSpan.Zero),
        _ => (200, TimeSpan.Zero),
    };

    /// <summary>
    /// How the synthetic steady traffic has been answered <paramref name="sinceReady"/> after Ready: one GET every
    /// 1/<paramref name="perSecond"/> s, the i-th sent at i/<paramref name="perSecond"/> s, each answered by the behaviour
    /// (a slow app's answers are counted when they are given, N s after they were sent).
    /// </summary>
    public (long Ok, long Errors) Synthetic(TimeSpan sinceReady, double perSecond)
    {
        if (perSecond <= 0 || sinceReady <= TimeSpan.Zero)
        {
            return (0, 0);
        }

        long Sent(TimeSpan elapsed) => elapsed <= TimeSpan.Zero ? 0 : (long)Math.Floor(elapsed.TotalSeconds * perSecond);
        var sent = Sent(sinceReady);
        switch (Kind)
        {
            case HttpBehaviourKind.Error:
                return (0, sent);
            case HttpBehaviourKind.ErrorFraction:
                var errors = sent * Percent / 100;
                return (sent - errors, errors);
            case HttpBehaviourKind.Slow:
                return (Sent(sinceReady - TimeSpan.FromSeconds(Seconds)), 0);
            case HttpBehaviourKind.FailAfter:
                // The i-th is healthy while i / perSecond < Seconds.
                var healthy = Math.Clamp((long)Math.Ceiling(Seconds * perSecond) - 1, 0, sent);
                return (healthy, sent - healthy);
            default:
                return (sent, 0);
        }
    }

    /// <summary>The name as written after <c>http-</c>: <c>ok</c>, <c>500</c>, <c>500-30</c>, <c>slow-5</c>, <c>fail-after-60</c>.</summary>
    public override string ToString() => Kind switch
    {
        HttpBehaviourKind.Error => "500",
        HttpBehaviourKind.ErrorFraction => "500-" + Percent.ToString(CultureInfo.InvariantCulture),
        HttpBehaviourKind.Slow => "slow-" + Seconds.ToString(CultureInfo.InvariantCulture),
        HttpBehaviourKind.FailAfter => "fail-after-" + Seconds.ToString(CultureInfo.InvariantCulture),
        _ => "ok",
    };
}
