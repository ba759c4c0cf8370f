using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HelmSentinel.Text;

/// <summary>
/// Go's <c>time.Duration</c> text, the form helm's <c>--timeout</c> takes: parsing (also accepting .NET
/// <c>hh:mm:ss</c>) and formatting (<c>5m0s</c>, <c>1h2m3s</c>, <c>500ms</c>). Only positive durations parse.
/// </summary>
public static partial class GoDuration
{
    private const long TicksPerMicrosecond = 10;

    /// <summary>
    /// Parses a positive duration written the Go way (<c>5m</c>, <c>1h30m</c>, <c>1.5h</c>, <c>300ms</c>;
    /// units <c>ns</c>, <c>us</c>, <c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>) or the .NET way
    /// (<c>hh:mm:ss</c>, <c>d.hh:mm:ss</c>, invariant culture).
    /// </summary>
    /// <param name="text">The text; surrounding white space is ignored.</param>
    /// <param name="value">The duration, or <see cref="TimeSpan.Zero"/> when the text is refused.</param>
    /// <returns>
    /// False for empty text, a sign, a bare number without unit (Go's <c>0</c> included), an unknown unit,
    /// a zero duration (also one shorter than the 100 ns tick) or one beyond <see cref="TimeSpan.MaxValue"/>.
    /// </returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var parsed = trimmed.Contains(':', StringComparison.Ordinal) ? TryParseClock(trimmed) : TryParseGo(trimmed);
        if (parsed is not { } result || result <= TimeSpan.Zero)
        {
            return false;
        }

        value = result;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>, throwing when the text is refused.</summary>
    /// <exception cref="FormatException">The text is not a positive Go or <c>hh:mm:ss</c> duration.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value)
            ? value
            : throw new FormatException(
                $"'{text}' is not a positive duration; expected a Go duration such as 5m, 1h30m, 90s or 300ms, or hh:mm:ss.");
    }

    /// <summary>
    /// Formats a duration exactly as Go's <c>Duration.String()</c> does (<c>5m0s</c>, <c>1h0m0s</c>,
    /// <c>1m30s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>), except that microseconds are written <c>us</c>
    /// (ASCII; Go and helm accept both). The result parses back to the same value.
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            builder.Append('-');
        }

        // Magnitude as an unsigned number so TimeSpan.MinValue does not overflow.
        var ticks = value.Ticks < 0 ? (ulong)-(value.Ticks + 1) + 1 : (ulong)value.Ticks;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            AppendSubSecond(builder, ticks);
            return builder.ToString();
        }

        var totalSeconds = ticks / TimeSpan.TicksPerSecond;
        var fraction = ticks % TimeSpan.TicksPerSecond;
        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        var seconds = totalSeconds % 60;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        builder.Append(seconds.ToString(CultureInfo.InvariantCulture));
        AppendFraction(builder, fraction, 7);
        builder.Append('s');
        return builder.ToString();
    }

    /// <summary>
    /// Formats a duration for people, dropping zero units: <c>12m</c>, <c>1h5m</c>, <c>2m30s</c>, <c>4.2s</c>,
    /// <c>350ms</c>, <c>0s</c>. From one minute up it is rounded to whole seconds, below that to a tenth of a
    /// second (milliseconds below one second). Still a valid Go duration.
    /// </summary>
    public static string FormatCompact(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + FormatCompact(value.Duration());
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            var milliseconds = (long)Math.Round(value.TotalMilliseconds, MidpointRounding.AwayFromZero);
            return milliseconds == 0 ? "0s" : milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            var tenths = Math.Round(value.TotalSeconds, 1, MidpointRounding.AwayFromZero);
            if (tenths < 60)
            {
                return tenths.ToString("0.#", CultureInfo.InvariantCulture) + "s";
            }
        }

        var total = (long)Math.Round(value.TotalSeconds, MidpointRounding.AwayFromZero);
        var builder = new StringBuilder();
        AppendUnit(builder, total / 3600, 'h');
        AppendUnit(builder, total / 60 % 60, 'm');
        AppendUnit(builder, total % 60, 's');
        return builder.ToString();
    }

    private static void AppendUnit(StringBuilder builder, long amount, char unit)
    {
        if (amount > 0)
        {
            builder.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }

    private static void AppendSubSecond(StringBuilder builder, ulong ticks)
    {
        if (ticks < (ulong)TicksPerMicrosecond)
        {
            // One tick is 100 ns.
            builder.Append((ticks * 100).ToString(CultureInfo.InvariantCulture)).Append("ns");
        }
        else if (ticks < (ulong)TimeSpan.TicksPerMillisecond)
        {
            builder.Append((ticks / TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture));
            AppendFraction(builder, ticks % TicksPerMicrosecond, 1);
            builder.Append("us");
        }
        else
        {
            builder.Append((ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture));
            AppendFraction(builder, ticks % TimeSpan.TicksPerMillisecond, 4);
            builder.Append("ms");
        }
    }

    private static void AppendFraction(StringBuilder builder, ulong fraction, int digits)
    {
        if (fraction == 0)
        {
            return;
        }

        var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        builder.Append('.').Append(text);
    }

    private static TimeSpan? TryParseGo(string text)
    {
        var match = GoPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var numbers = match.Groups["number"].Captures;
        var units = match.Groups["unit"].Captures;
        decimal totalTicks = 0;
        try
        {
            for (var i = 0; i < numbers.Count; i++)
            {
                var number = numbers[i].Value;
                number = number.StartsWith('.') ? "0" + number : number;
                number = number.EndsWith('.') ? number + "0" : number;
                if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                {
                    return null;
                }

                totalTicks += amount * TicksPerUnit(units[i].Value);
            }
        }
        catch (OverflowException)
        {
            return null;
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            return null;
        }

        return TimeSpan.FromTicks((long)decimal.Truncate(totalTicks));
    }

    private static decimal TicksPerUnit(string unit) => unit switch
    {
        "ns" => 0.01m,
        "us" or "\u00b5s" or "\u03bcs" => TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown Go duration unit."),
    };

    private static TimeSpan? TryParseClock(string text) =>
        ClockPattern().IsMatch(text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    // Go: one or more "number unit" pairs; the number may have a fraction (".5", "1.", "1.5"). Units are
    // case-sensitive ("5M" is refused by Go too). "ms" must come before "m" in the alternation.
    [GeneratedRegex(@"^(?:(?<number>[0-9]+\.?[0-9]*|\.[0-9]+)(?<unit>ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoPattern();

    // .NET constant format without sign: [d.]h:mm:ss[.fffffff]. Two colons are required so "00:05" is
    // not silently read as five minutes.
    [GeneratedRegex(@"^(?:[0-9]+\.)?[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,7})?$", RegexOptions.CultureInvariant)]
    private static partial Regex ClockPattern();
}
