using System.Globalization;
using System.Numerics;
using CsCheck;
using HelmSentinel.Text;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// Go durations: <see cref="GoDuration.Format"/> writes what <see cref="GoDuration.TryParse"/> reads back to the same
/// value, parsing agrees with an exact model of Go's grammar, and no text makes it throw.
/// </summary>
public sealed class GoDurationProperties
{
    private static readonly string[] Units = ["ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h"];

    private static readonly Dictionary<string, BigInteger> NanosecondsPerUnit = new(StringComparer.Ordinal)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["\u00b5s"] = 1_000,
        ["\u03bcs"] = 1_000,
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["m"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000,
    };

    private static readonly Gen<TimeSpan> AnyTimeSpan = Gen.Frequency(
        (4, Gen.Long.Select(TimeSpan.FromTicks)),
        (4, Gen.Long[1, TimeSpan.TicksPerDay].Select(TimeSpan.FromTicks)),
        (2, Gen.Long[1, TimeSpan.TicksPerSecond].Select(TimeSpan.FromTicks)),
        (1, Gen.OneOf(TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.Zero, TimeSpan.FromTicks(1), TimeSpan.FromTicks(-1))));

    // One "number unit" part, as Go writes or reads it: digits with leading zeros, an optional fraction (".5", "1.", "1.5").
    private static readonly Gen<(string Integer, string? Fraction, string Unit)> Part = Gen.Select(
        Gen.Frequency((6, Gen.String[Gen.Char['0', '9'], 1, 4]), (2, Gen.String[Gen.Char['0', '9'], 0, 12]), (1, Gen.String[Gen.Char['0', '9'], 13, 30])),
        Gen.Null(Gen.String[Gen.Char['0', '9'], 0, 9], 0.6),
        Gen.OneOf(Units)).Where((integer, fraction, _) => integer.Length > 0 || fraction is { Length: > 0 });

    [Fact]
    public void Format_ParsesBackToTheSameValue_AndOnlyPositiveValuesParse() =>
        AnyTimeSpan.Sample(value =>
        {
            var text = GoDuration.Format(value);
            var parsed = GoDuration.TryParse(text, out var back);

            if (value > TimeSpan.Zero ? !parsed || back != value : parsed)
            {
                (parsed, back).Should().Be((value > TimeSpan.Zero, value > TimeSpan.Zero ? value : TimeSpan.Zero), "{0} was formatted {1}", value.Ticks, text);
            }
        }, iter: Generators.Iterations, threads: 1, print: v => v.Ticks.ToString(CultureInfo.InvariantCulture) + " ticks");

    [Fact]
    public void TryParse_OfGoDurations_AgreesWithAnExactModel() =>
        Gen.Select(Part.Array[1, 4], Gen.OneOf("", " ", "\t")).Sample((parts, padding) =>
        {
            var text = padding + string.Concat(parts.Select(p => p.Integer + (p.Fraction is null ? "" : "." + p.Fraction) + p.Unit)) + padding;
            var nanoseconds = parts.Aggregate(BigRational.Zero, (sum, p) => sum + Amount(p.Integer, p.Fraction) * NanosecondsPerUnit[p.Unit]);
            var ticks = nanoseconds.Floor(100);

            var parsed = GoDuration.TryParse(text, out var value);

            if (ticks <= 1_000_000_000_000_000)
            {
                // Small enough for the decimal arithmetic to be exact.
                (parsed, value.Ticks).Should().Be((ticks > 0, ticks > 0 ? (long)ticks : 0), "{0} is {1} ns", Generators.Show(text), nanoseconds);
            }
            else if (ticks > TimeSpan.MaxValue.Ticks + (BigInteger)1_000_000)
            {
                parsed.Should().BeFalse("{0} is beyond TimeSpan.MaxValue", Generators.Show(text));
            }

            if (parsed)
            {
                GoDuration.TryParse(GoDuration.Format(value), out var again).Should().BeTrue();
                again.Should().Be(value);
            }
        }, iter: Generators.Iterations, threads: 1);

    [Fact]
    public void TryParse_OfAnyText_NeverThrows_AndWhatItAcceptsIsPositiveAndFormatsBack() =>
        Gen.Frequency((3, Generators.Hostile), (1, Gen.Select(Part.Array[1, 3], Generators.Piece, (parts, noise) =>
            string.Concat(parts.Select(p => p.Integer + "." + p.Fraction + p.Unit)) + noise))).Sample(text =>
        {
            if (GoDuration.TryParse(text, out var value))
            {
                value.Should().BePositive();
                GoDuration.TryParse(GoDuration.Format(value), out var again).Should().BeTrue();
                again.Should().Be(value);
            }
            else
            {
                value.Should().Be(TimeSpan.Zero);
            }
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    [Fact]
    public void FormatCompact_IsAGoDuration_WithinItsRounding() =>
        Gen.Long[TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerDay * 400].Select(TimeSpan.FromTicks).Sample(value =>
        {
            var text = GoDuration.FormatCompact(value);
            var rounding = value >= TimeSpan.FromMinutes(1) ? TimeSpan.FromSeconds(0.5)
                : value >= TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(0.05)
                : TimeSpan.FromMilliseconds(0.5);

            GoDuration.TryParse(text, out var parsed).Should().BeTrue("{0} is {1}", value.Ticks, text);
            (parsed - value).Duration().Should().BeLessThanOrEqualTo(rounding, "{0} is {1}", value.Ticks, text);
        }, iter: Generators.Iterations, threads: 1, print: v => v.Ticks.ToString(CultureInfo.InvariantCulture) + " ticks");

    private static BigRational Amount(string integer, string? fraction)
    {
        var digits = integer + (fraction ?? "");
        var numerator = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return new BigRational(numerator, BigInteger.Pow(10, fraction?.Length ?? 0));
    }

    /// <summary>A non-negative fraction, exact.</summary>
    private readonly record struct BigRational(BigInteger Numerator, BigInteger Denominator)
    {
        public static BigRational Zero => new(0, 1);

        public static BigRational operator +(BigRational a, BigRational b) =>
            new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

        public static BigRational operator *(BigRational a, BigInteger b) => new(a.Numerator * b, a.Denominator);

        /// <summary>How many whole <paramref name="unit"/>s fit in it.</summary>
        public BigInteger Floor(BigInteger unit) => Numerator / (Denominator * unit);

        public override string ToString() => $"{Numerator}/{Denominator}";
    }
}
