using System.Globalization;

namespace HelmSentinel.Simulator.Cluster;

/// <summary>
/// Parses Kubernetes resource quantities (<c>500m</c>, <c>2</c>, <c>8Gi</c>, <c>1G</c>) and the
/// simulator's duration knobs (<c>20ms</c>, <c>1.5s</c>, <c>2m</c>, or a bare number of seconds).
/// </summary>
internal static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024),
        ("Ti", 1024m * 1024 * 1024 * 1024), ("Pi", 1024m * 1024 * 1024 * 1024 * 1024),
        ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
        ("m", 0.001m),
    ];

    /// <summary>Parses a quantity into its value in base units (cores for cpu, bytes for memory).</summary>
    /// <exception cref="FormatException">The text is not a Kubernetes quantity.</exception>
    public static decimal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            if (t.Length > suffix.Length && t.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return v * factor;
            }
        }

        if (decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }

        throw new FormatException($"'{text}' is not a Kubernetes quantity (examples: 500m, 2, 512Mi, 8Gi).");
    }

    /// <summary>CPU quantity in millicores, rounded up like the scheduler does.</summary>
    public static long MilliCores(string text) => (long)Math.Ceiling(Parse(text) * 1000m);

    /// <summary>Memory quantity in bytes, rounded up.</summary>
    public static long Bytes(string text) => (long)Math.Ceiling(Parse(text));

    /// <summary>Parses <c>20ms</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c> or a bare number of seconds.</summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, ms) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0)
            {
                return TimeSpan.FromMilliseconds(v * ms);
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new FormatException($"'{text}' is not a duration (examples: 50ms, 1s, 1.5s, 2m).");
    }
}
