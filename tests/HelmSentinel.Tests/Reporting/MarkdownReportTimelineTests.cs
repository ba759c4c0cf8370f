using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Tests.Support;

namespace HelmSentinel.Tests.Reporting;

public class MarkdownReportTimelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private static DeployOutcome FailFastWithTimeline => Outcomes.FailFastRolledBack with
    {
        Timeline =
        [
            new TimelineEvent(Start, "upgrade started"),
            new TimelineEvent(Start.AddSeconds(6.4), "first fatal state: pod web-7d9f8-x2x4q (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1"),
            new TimelineEvent(Start.AddSeconds(6.4), "rollback started: helm interrupted, its atomic rollback runs"),
            new TimelineEvent(Start.AddSeconds(6.5), "helm exited after its own rollback"),
            new TimelineEvent(Start.AddSeconds(9.25), "restored revision 2 as revision 4"),
        ],
    };

    [Fact]
    public void Render_WithATimeline_DrawsAMermaidTimelineBeforeTheHistory()
    {
        var markdown = MarkdownReport.Render(FailFastWithTimeline, new SecretMasker([Outcomes.Secret]));

        FailFastWithTimeline.ShouldAgreeWithItsHistory();
        GoldenFile.Verify(markdown, "report-fail-fast-timeline.md");
        markdown.IndexOf("```mermaid", StringComparison.Ordinal).Should().BeLessThan(markdown.IndexOf("#### Release history", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_WithoutATimeline_HasNoMermaidBlock()
    {
        MarkdownReport.Render(Outcomes.Succeeded, SecretMasker.None).Should().NotContain("mermaid");
    }

    [Theory]
    [InlineData("first fatal state: pod a (Deployment b): OOMKilled", "first fatal state - pod a (Deployment b) - OOMKilled")]
    [InlineData("x;y#z%%w `q` \"r\" <s> {t} [u]", "x y z w q r s t u")]
    [InlineData(":::", "(event)")]
    public void MermaidText_RemovesWhatMermaidWouldParse(string text, string expected)
    {
        MermaidTimeline.Text(text).Should().Be(expected);
    }

    [Fact]
    public void MermaidText_IsMaskedAndCut()
    {
        var markdown = MarkdownReport.Render(Outcomes.Succeeded with { Timeline = [new TimelineEvent(Start, "token tok-12345 " + new string('x', 300))] }, new SecretMasker(["tok-12345"]));

        markdown.Should().NotContain("tok-12345").And.Contain("    +0s : token *** xxx");
        markdown.Split('\n').Single(l => l.StartsWith("    +0s", StringComparison.Ordinal)).Length.Should().BeLessThan(120);
    }

    [Fact]
    public void Bound_LeavesAReportThatFitsUnchanged()
    {
        Markdown.Bound("### short\n", 1000).Should().Be("### short\n");
    }

    [Fact]
    public void Bound_CutsAtALineEndAndSaysHowMuchWasLeftOut()
    {
        var markdown = string.Concat(Enumerable.Range(0, 100).Select(i => $"- line {i}\n"));

        var bounded = Markdown.Bound(markdown, 300, "see the log");

        bounded.Length.Should().BeLessThanOrEqualTo(300);
        bounded.Should().StartWith("- line 0\n").And.MatchRegex(@"\n\n_Report truncated: \d+ characters left out; see the log\._\n$");
        var kept = bounded[..bounded.IndexOf("\n_Report", StringComparison.Ordinal)];
        int.Parse(System.Text.RegularExpressions.Regex.Match(bounded, @"(\d+) characters").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            .Should().Be(markdown.Length - kept.Length);
    }

    [Fact]
    public void Bound_AtTheSummaryLength_FitsGitHubsOneMebibyteEvenInFourByteCharacters()
    {
        var markdown = "### report\n\n```text\n" + string.Concat(Enumerable.Repeat("😀😀😀 €é\n", 200_000)) + "```\n";

        var bounded = Markdown.Bound(markdown, HelmSentinel.Platforms.GitHub.GitHubAction.MaxSummaryLength);

        System.Text.Encoding.UTF8.GetByteCount(markdown).Should().BeGreaterThan(1024 * 1024);
        System.Text.Encoding.UTF8.GetByteCount(bounded).Should().BeLessThan(1024 * 1024);
        bounded.Should().Contain("\n```\n\n_Report truncated: ");
    }
}
