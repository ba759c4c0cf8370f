using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

public class ReleaseHistoryTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    private static string Entry(int revision, string status, string? updated = "\"2024-01-02T03:04:05Z\"", string description = "x") =>
        "{\"revision\":" + revision + (updated is null ? string.Empty : ",\"updated\":" + updated) +
        ",\"status\":\"" + status + "\",\"chart\":\"web-1." + revision + ".0\",\"app_version\":\"1." + revision +
        "\",\"description\":\"" + description + "\"}";

    private static ReleaseHistory Parse(params string[] entries) => ReleaseHistory.Parse("[" + string.Join(',', entries) + "]\n");

    [Theory]
    [InlineData("sample-helm3-history.json")]
    [InlineData("sample-helm4-history.json")]
    public void Parse_RealHelmOutput_ReadsEveryField(string file)
    {
        var history = ReleaseHistory.Parse(Sample(file));

        history.Entries.Should().Equal(
            new HistoryEntry(1, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567), "superseded", "web-1.0.0", "1.0", "Install complete"),
            new HistoryEntry(2, new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.FromHours(1)), "deployed", "web-1.1.0", "1.1", "Upgrade complete"));
    }

    [Theory]
    [InlineData("sample-helm3-history.json")]
    [InlineData("sample-helm4-history.json")]
    public void Parse_RealHelmOutput_AnswersTheEngineQuestions(string file)
    {
        var history = ReleaseHistory.Parse(Sample(file));

        history.Latest!.Revision.Should().Be(2);
        history.LastGood!.Revision.Should().Be(2);
        history.Deployed!.Revision.Should().Be(2);
        history.PendingLock.Should().BeNull();
        history.IsFirstInstall.Should().BeFalse();
        history.OnlyFailed.Should().BeFalse();
    }

    [Fact]
    public void Parse_NanosecondsWithOffset_KeepsTheOffsetAndSevenDigits()
    {
        var history = Parse(Entry(1, "deployed", "\"2024-01-02T03:04:05.123456789+01:00\""));

        var updated = history.Latest!.Updated!.Value;
        updated.Offset.Should().Be(TimeSpan.FromHours(1));
        updated.UtcDateTime.Should().Be(new DateTime(2024, 1, 2, 2, 4, 5, DateTimeKind.Utc).AddTicks(1234567));
    }

    [Theory]
    [InlineData("2024-01-02T03:04:05Z", 0)]
    [InlineData("2024-01-02T03:04:05.5Z", 5_000_000)]
    [InlineData("2024-01-02T03:04:05.123456789Z", 1_234_567)]
    [InlineData("2024-01-02T03:04:05.000000001-07:00", 0)]
    public void ParseGoTime_Rfc3339Nano_TruncatesBeyondSevenDigits(string text, long fractionTicks)
    {
        var value = ReleaseHistory.ParseGoTime(text)!.Value;

        (value.Ticks % TimeSpan.TicksPerSecond).Should().Be(fractionTicks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ParseGoTime_Blank_ReturnsNull(string? text)
    {
        ReleaseHistory.ParseGoTime(text).Should().BeNull();
    }

    [Fact]
    public void Parse_Helm3EmptyUpdated_GivesNull()
    {
        Parse(Entry(1, "pending-upgrade", "\"\"")).Latest!.Updated.Should().BeNull();
    }

    [Fact]
    public void Parse_Helm4OmittedUpdated_GivesNull()
    {
        Parse(Entry(1, "pending-upgrade", updated: null)).Latest!.Updated.Should().BeNull();
    }

    [Fact]
    public void Parse_EntriesOutOfOrder_SortsThemOldestFirst()
    {
        var history = Parse(Entry(3, "deployed"), Entry(1, "superseded"), Entry(2, "failed"));

        history.Entries.Select(e => e.Revision).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Parse_EmptyArray_IsEmpty()
    {
        var history = ReleaseHistory.Parse("[]");

        history.Entries.Should().BeEmpty();
        history.Latest.Should().BeNull();
        history.IsFirstInstall.Should().BeTrue();
        history.OnlyFailed.Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"revision\":1}")]
    [InlineData("[1]")]
    [InlineData("[{\"status\":\"deployed\"}]")]
    [InlineData("[{\"revision\":1}]")]
    [InlineData("[{\"revision\":1,\"status\":\"deployed\",\"updated\":\"yesterday\"}]")]
    [InlineData("[{\"revision\":1,\"status\":\"deployed\"")]
    public void Parse_InvalidOutput_ThrowsFormatExceptionMentioningHelmHistory(string json)
    {
        var act = () => ReleaseHistory.Parse(json);

        act.Should().Throw<FormatException>().WithMessage("*helm history -o json*");
    }

    [Fact]
    public void Parse_MissingOptionalFields_GivesEmptyStrings()
    {
        var history = ReleaseHistory.Parse("[{\"revision\":\"4\",\"status\":\"failed\"}]");

        history.Latest.Should().Be(new HistoryEntry(4, null, "failed", "", "", ""));
    }

    [Fact]
    public void LastGood_FailedRevisionsAfterTheGoodOne_SkipsThem()
    {
        var history = Parse(Entry(1, "superseded"), Entry(2, "deployed"), Entry(3, "failed"), Entry(4, "failed"));

        history.LastGood!.Revision.Should().Be(2);
        history.Deployed!.Revision.Should().Be(2);
        history.Latest!.Revision.Should().Be(4);
    }

    [Fact]
    public void LastGood_OnlySupersededLeft_ChoosesTheNewestSuperseded()
    {
        var history = Parse(Entry(1, "superseded"), Entry(2, "superseded"), Entry(3, "failed"));

        history.LastGood!.Revision.Should().Be(2);
        history.Deployed.Should().BeNull();
    }

    [Fact]
    public void LastGoodAndDeployed_SeveralDeployed_ChooseTheNewest()
    {
        var history = Parse(Entry(1, "deployed"), Entry(2, "superseded"), Entry(3, "deployed"), Entry(4, "failed"));

        history.LastGood!.Revision.Should().Be(3);
        history.Deployed!.Revision.Should().Be(3);
    }

    [Theory]
    [InlineData("pending-install")]
    [InlineData("pending-upgrade")]
    [InlineData("pending-rollback")]
    public void PendingLock_LatestIsPending_ReturnsIt(string status)
    {
        var history = Parse(Entry(1, "superseded"), Entry(2, "deployed"), Entry(3, status));

        history.PendingLock!.Revision.Should().Be(3);
        history.LastGood!.Revision.Should().Be(2);
    }

    [Fact]
    public void PendingLock_OlderPendingButLatestDeployed_IsNullLikeHelm()
    {
        var history = Parse(Entry(1, "pending-upgrade"), Entry(2, "deployed"));

        history.PendingLock.Should().BeNull();
    }

    [Fact]
    public void IsFirstInstall_LatestUninstalled_IsTrue()
    {
        var history = Parse(Entry(1, "superseded"), Entry(2, "uninstalled"));

        history.IsFirstInstall.Should().BeTrue();
        history.LastGood!.Revision.Should().Be(1);
    }

    [Fact]
    public void IsFirstInstall_ReleaseWithHistory_IsFalse()
    {
        Parse(Entry(1, "failed")).IsFirstInstall.Should().BeFalse();
    }

    [Fact]
    public void OnlyFailed_NoGoodRevision_IsTrue()
    {
        var history = Parse(Entry(1, "failed"), Entry(2, "failed"));

        history.OnlyFailed.Should().BeTrue();
        history.LastGood.Should().BeNull();
    }

    [Fact]
    public void OnlyFailed_PendingInstallAlone_IsTrue()
    {
        Parse(Entry(1, "pending-install")).OnlyFailed.Should().BeTrue();
    }

    [Fact]
    public void Empty_HasNoEntries()
    {
        ReleaseHistory.Empty.Entries.Should().BeEmpty();
        ReleaseHistory.Empty.IsFirstInstall.Should().BeTrue();
        ReleaseHistory.Empty.PendingLock.Should().BeNull();
    }
}
