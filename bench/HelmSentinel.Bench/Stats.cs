using System.Globalization;

namespace HelmSentinel.Bench;

/// <summary>Medians and ratios, formatted the same way everywhere.</summary>
internal static class Stats
{
    public static TimeSpan Median(IReadOnlyList<TimeSpan> samples)
    {
        var sorted = samples.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Ratio(TimeSpan numerator, TimeSpan denominator) =>
        denominator <= TimeSpan.Zero ? double.PositiveInfinity : numerator / denominator;

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";

    public static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";

    public static string Format(double ratio) => ratio.ToString("0.000", CultureInfo.InvariantCulture);
}
