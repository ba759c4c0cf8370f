using HelmSentinel.Text;


namespace HelmSentinel.Tests.Text;

public class GoDurationTests
{
    public static TheoryData<string, TimeSpan> GoTexts => new()
    {
        { "5m", TimeSpan.FromMinutes(5) },
        { "1h30m", TimeSpan.FromMinutes(90) },
        { "90s", TimeSpan.FromSeconds(90) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { "300ms", TimeSpan.FromMilliseconds(300) },
        { "2m30s", TimeSpan.FromSeconds(150) },
        { "5m0s", TimeSpan.FromMinutes(5) },
        { "1h2m3s", new TimeSpan(1, 2, 3) },
        { "1h0m0s", TimeSpan.FromHours(1) },
        { "500ns", TimeSpan.FromTicks(5) },
        { "1500us", TimeSpan.FromMilliseconds(1.5) },
        { "1500\u00b5s", TimeSpan.FromMilliseconds(1.5) },
        { "1500\u03bcs", TimeSpan.FromMilliseconds(1.5) },
        { ".5s", TimeSpan.FromMilliseconds(500) },
        { "1.s", TimeSpan.FromSeconds(1) },
        { "1.000000001s", TimeSpan.FromSeconds(1) },
        { "  10m  ", TimeSpan.FromMinutes(10) },
        { "24h", TimeSpan.FromHours(24) },
    };

    public static TheoryData<string, TimeSpan> ClockTexts => new()
    {
        { "00:05:00", TimeSpan.FromMinutes(5) },
        { "01:30:00", TimeSpan.FromMinutes(90) },
        { "1:02:03", new TimeSpan(1, 2, 3) },
        { "1.02:00:00", new TimeSpan(1, 2, 0, 0) },
        { "00:00:01.5", TimeSpan.FromSeconds(1.5) },
    };

    [Theory]
    [MemberData(nameof(GoTexts))]
    public void TryParse_GoDuration_ReturnsValue(string text, TimeSpan expected)
    {
        var ok = GoDuration.TryParse(text, out var value);

        ok.Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(ClockTexts))]
    public void TryParse_DotNetTimeSpan_ReturnsValue(string text, TimeSpan expected)
    {
        var ok = GoDuration.TryParse(text, out var value);

        ok.Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("0h0m0s")]
    [InlineData("00:00:00")]
    [InlineData("300")]
    [InlineData("1.5")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("-00:05:00")]
    [InlineData("5M")]
    [InlineData("5 m")]
    [InlineData("5min")]
    [InlineData("5d")]
    [InlineData("1h30")]
    [InlineData("m")]
    [InlineData(".s")]
    [InlineData("50ns")]
    [InlineData("00:05")]
    [InlineData("five minutes")]
    [InlineData("99999999999999999999999999999999h")]
    [InlineData("9999999999h")]
    public void TryParse_InvalidZeroOrNegative_ReturnsFalse(string? text)
    {
        var ok = GoDuration.TryParse(text, out var value);

        ok.Should().BeFalse();
        value.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Parse_InvalidText_ThrowsFormatExceptionNamingTheText()
    {
        var act = () => GoDuration.Parse("soon");

        act.Should().Throw<FormatException>().WithMessage("*'soon'*5m*");
    }

    [Theory]
    [InlineData(0, 5, 0, 0, "5m0s")]
    [InlineData(1, 2, 3, 0, "1h2m3s")]
    [InlineData(0, 0, 90, 0, "1m30s")]
    [InlineData(0, 0, 0, 500, "500ms")]
    [InlineData(1, 0, 0, 0, "1h0m0s")]
    [InlineData(0, 0, 45, 0, "45s")]
    [InlineData(0, 0, 1, 500, "1.5s")]
    [InlineData(24, 0, 0, 0, "24h0m0s")]
    [InlineData(0, 0, 0, 0, "0s")]
    public void Format_Duration_PrintsGoForm(int hours, int minutes, int seconds, int milliseconds, string expected)
    {
        var value = new TimeSpan(0, hours, minutes, seconds, milliseconds);

        GoDuration.Format(value).Should().Be(expected);
    }

    [Theory]
    [InlineData(1, "100ns")]
    [InlineData(15, "1.5us")]
    [InlineData(12_345, "1.2345ms")]
    [InlineData(-3_000_000_000, "-5m0s")]
    public void Format_SubMillisecondAndNegative_PrintsGoForm(long ticks, string expected)
    {
        GoDuration.Format(TimeSpan.FromTicks(ticks)).Should().Be(expected);
    }

    [Fact]
    public void Format_MinValue_DoesNotOverflow()
    {
        GoDuration.Format(TimeSpan.MinValue).Should().StartWith("-").And.EndWith("s");
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(15L)]
    [InlineData(12_345L)]
    [InlineData(5_000_000L)]
    [InlineData(3_000_000_000L)]
    [InlineData(37_230_000_000L)]
    [InlineData(37_231_234_567L)]
    [InlineData(864_000_000_000L)]
    public void Format_ThenTryParse_RoundTrips(long ticks)
    {
        var value = TimeSpan.FromTicks(ticks);

        GoDuration.TryParse(GoDuration.Format(value), out var parsed).Should().BeTrue();
        parsed.Should().Be(value);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(350, "350ms")]
    [InlineData(4_200, "4.2s")]
    [InlineData(45_000, "45s")]
    [InlineData(59_990, "1m")]
    [InlineData(720_000, "12m")]
    [InlineData(150_000, "2m30s")]
    [InlineData(3_900_000, "1h5m")]
    [InlineData(-60_000, "-1m")]
    public void FormatCompact_Duration_DropsZeroUnits(int milliseconds, string expected)
    {
        GoDuration.FormatCompact(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
    }
}
