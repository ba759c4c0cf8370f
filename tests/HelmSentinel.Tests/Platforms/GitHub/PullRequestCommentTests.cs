using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class PullRequestCommentTests
{
    private static readonly Uri Run = new("https://github.com/acme/shop/actions/runs/1");

    [Fact]
    public void Marker_IsOneHiddenLinePerReleaseAndEnvironment()
    {
        PullRequestComment.Marker("web", "staging").Should().Be("<!-- helm-sentinel:comment release=web environment=staging -->");
        PullRequestComment.Marker("web", "prod").Should().NotBe(PullRequestComment.Marker("web", "staging"));
    }

    [Fact]
    public void Marker_CannotBeClosedEarlyByTheEnvironmentName()
    {
        PullRequestComment.Marker("web", "x --> <b>").Should().Be("<!-- helm-sentinel:comment release=web environment=x_-____b_ -->");
    }

    [Fact]
    public void IsFor_MatchesOnlyACommentThatStartsWithTheMarker()
    {
        var marker = PullRequestComment.Marker("web", "staging");

        PullRequestComment.IsFor(marker + "\n### report", marker).Should().BeTrue();
        PullRequestComment.IsFor("Quoting:\n> " + marker, marker).Should().BeFalse();
        PullRequestComment.IsFor(PullRequestComment.Marker("web", "prod") + "\n", marker).Should().BeFalse();
        PullRequestComment.IsFor(null, marker).Should().BeFalse();
    }

    [Fact]
    public void Body_HoldsTheMarkerTheReportAndALinkToTheRun()
    {
        var body = PullRequestComment.Body("<!-- m -->", "### report\n", Run);

        body.Should().Be("<!-- m -->\n### report\n\n<sub>helm-sentinel · [workflow run](https://github.com/acme/shop/actions/runs/1) · this comment is updated in place on every deploy</sub>\n");
    }

    [Fact]
    public void Body_OfAHugeReport_StaysUnderGitHubsLimitAndClosesTheCodeBlock()
    {
        var report = "### report\n\n```text\n" + string.Concat(Enumerable.Repeat("helm said something long and unhelpful\n", 5000)) + "```\n";

        var body = PullRequestComment.Body("<!-- m -->", report, Run);

        body.Length.Should().BeLessThanOrEqualTo(PullRequestComment.MaxBodyLength);
        body.Should().StartWith("<!-- m -->\n### report").And.Contain("```\n\n_Report truncated: ").And.EndWith("</sub>\n");
        body.Split('\n').Count(l => l.StartsWith("```", StringComparison.Ordinal)).Should().Be(2, "the cut code block is closed");
    }
}
