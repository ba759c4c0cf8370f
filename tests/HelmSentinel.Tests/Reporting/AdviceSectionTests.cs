using HelmSentinel.Deploy;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Platforms.GitHub;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

/// <summary>The Advice section is in every report a deploy writes (log, job summary, PR comment, Azure thread) and in
/// none of them when there is no advice.</summary>
public sealed class AdviceSectionTests
{
    private const string Probe = "pods of Deployment/web became Ready 41 s after creation (p50 38 s, max 41 s); its readinessProbe starts at 5 s " +
                                 "and probes every 5 s: about 7 failed probes per start — consider a startupProbe";

    private static readonly SecretMasker Masker = new([]);

    private static IEnumerable<string> Reports(DeployOutcome outcome) =>
    [
        TextReport.Render(outcome, Masker),
        MarkdownReport.Render(outcome, Masker),
        PullRequestComment.Body(PullRequestComment.Marker("web", "staging"), MarkdownReport.Render(outcome, Masker), null),
        AzureTaskReport.ThreadContent(outcome, Masker, null, "staging"),
    ];

    [Fact]
    public void Advice_IsInEveryReport_AndLeavesTheResultAlone()
    {
        var advised = Outcomes.Succeeded with { Advice = [Probe] };

        TextReport.Render(advised, Masker).Should().Contain("advice:\n  - " + Probe + "\n");
        MarkdownReport.Render(advised, Masker).Should().Contain("#### Advice\n\n");
        Reports(advised).Should().AllSatisfy(r => r.Should().Contain("about 7 failed probes per start"));
        TextReport.Headline(advised).Should().Be(TextReport.Headline(Outcomes.Succeeded));
    }

    [Fact]
    public void NoAdvice_NoSection()
    {
        Reports(Outcomes.Succeeded with { Advice = [] }).Should().AllSatisfy(r => r.Should().NotContainEquivalentOf("advice"));
    }
}
