using HelmSentinel.Helm;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public class HistoryTableTests
{
    private static readonly HistoryEntry[] History =
    [
        new(1, DateTimeOffset.Parse("2024-01-02T03:04:05.1234567Z", System.Globalization.CultureInfo.InvariantCulture), "superseded", "web-1.0.0", "1.0", "Install complete"),
        new(2, DateTimeOffset.Parse("2024-02-03T04:05:06+01:00", System.Globalization.CultureInfo.InvariantCulture), "superseded", "web-1.1.0", "1.1", "Upgrade complete"),
        new(3, null, "failed", "web-1.2.0", "1.2", "Upgrade \"web\" failed: context deadline exceeded"),
        new(4, DateTimeOffset.Parse("2024-02-03T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "deployed", "web-1.1.0", "1.1", "Rollback to 2"),
    ];

    [Fact]
    public void Render_History_AlignsColumnsAndMarksFailedAndRestored()
    {
        var table = HistoryTable.Render(History, failedRevision: 3, restoredRevision: 4);

        table.Should().Be(
            "REVISION  UPDATED (UTC)        STATUS      CHART      APP VERSION  DESCRIPTION\n" +
            "1         2024-01-02 03:04:05  superseded  web-1.0.0  1.0          Install complete\n" +
            "2         2024-02-03 03:05:06  superseded  web-1.1.0  1.1          Upgrade complete\n" +
            "3         -                    failed      web-1.2.0  1.2          Upgrade \"web\" failed: context deadline exceeded  <- failed\n" +
            "4         2024-02-03 05:00:00  deployed    web-1.1.0  1.1          Rollback to 2                                    <- restored\n");
    }

    [Fact]
    public void Render_NoMarkers_HasNoTrailingSpaces()
    {
        var table = HistoryTable.Render(History, null, null);

        table.Split('\n').Should().AllSatisfy(line => line.Should().Be(line.TrimEnd()));
        table.Should().NotContain("<-");
    }

    [Fact]
    public void Render_WithZone_ConvertsTimesAndNamesTheZone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+02", TimeSpan.FromHours(2), "Test+02", "Test+02");

        var table = HistoryTable.Render(History.Take(1).ToList(), null, null, zone);

        table.Should().Contain("UPDATED (Test+02)").And.Contain("2024-01-02 05:04:05");
    }

    [Fact]
    public void Render_MultiLineAndLongDescription_StaysOnOneLineAndIsCut()
    {
        var entry = new HistoryEntry(1, null, "failed", "web-1.0.0", "1.0", "line one\nline two " + new string('x', 200));

        var table = HistoryTable.Render([entry], 1, null);

        var row = table.Split('\n')[1];
        row.Should().Contain("line one line two").And.EndWith("...  <- failed");
        row.Length.Should().BeLessThan(200);
    }

    [Fact]
    public void Render_Empty_SaysSo()
    {
        HistoryTable.Render([], null, null).Should().Be("(no revisions)\n");
    }

    [Fact]
    public void RenderMarkdown_History_MarksFailedAndRestoredWithIcons()
    {
        var table = HistoryTable.RenderMarkdown(History, failedRevision: 3, restoredRevision: 4);

        table.Should().Be(
            "| Revision | Updated (UTC) | Status | Chart | App version | Description |\n" +
            "|---:|---|---|---|---|---|\n" +
            "| 1 | 2024-01-02 03:04:05 | superseded | web-1.0.0 | 1.0 | Install complete |\n" +
            "| 2 | 2024-02-03 03:05:06 | superseded | web-1.1.0 | 1.1 | Upgrade complete |\n" +
            "| 3 ❌ failed | - | failed | web-1.2.0 | 1.2 | Upgrade \"web\" failed: context deadline exceeded |\n" +
            "| 4 ✅ restored | 2024-02-03 05:00:00 | deployed | web-1.1.0 | 1.1 | Rollback to 2 |\n");
    }

    [Fact]
    public void RenderMarkdown_PipesNewlinesAndMarkup_AreEscaped()
    {
        var entry = new HistoryEntry(1, null, "failed", "web-1.0.0", "1.0", "a | b\r\nat <.Values.x> *bold* `code`");

        var row = HistoryTable.RenderMarkdown([entry], null, null).Split('\n')[2];

        row.Should().Be(@"| 1 | - | failed | web-1.0.0 | 1.0 | a \| b<br>at \<.Values.x\> \*bold\* \`code\` |");
    }

    [Fact]
    public void RenderMarkdown_Empty_SaysSo()
    {
        HistoryTable.RenderMarkdown([], null, null).Should().Be("_No revisions._\n");
    }
}
