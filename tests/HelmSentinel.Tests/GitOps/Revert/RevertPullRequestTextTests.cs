using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.Tests.GitOps.Revert;

public sealed class RevertPullRequestTextTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Title_IsThatOfTheOriginalPullRequest_ElseTheCommitsSubject()
    {
        RevertPullRequestText.Title(new OriginalPullRequest(7, "Bump the image", null), "Merge pull request #7").Should().Be("Revert \"Bump the image\"");
        RevertPullRequestText.Title(null, "Bump the image").Should().Be("Revert \"Bump the image\"");
    }

    [Theory]
    [InlineData(4_000)]
    [InlineData(65_536)]
    public void Body_ALongDiagnosis_IsCutToTheLimit_WithItsCodeFenceClosed(int limit)
    {
        var diagnosis = "Pod log:\n```\n" + string.Concat(Enumerable.Repeat("panic: cannot connect to db\n", 5_000)) + "```\n";
        var request = new RevertRequest { Repository = ".", Revision = Sha, Diagnosis = diagnosis, RunUrl = new Uri("https://ci.example/run/1") };

        var body = RevertPullRequestText.Body(request, Sha, "main", new OriginalPullRequest(7, "Bump", new Uri("https://github.com/acme/shop/pull/7")), limit);

        body.Length.Should().BeLessThanOrEqualTo(limit);
        body.Should().StartWith(RevertPullRequestText.BodyMarker(Sha)).And.Contain("Diagnosis truncated").And.Contain("What HelmSentinel did")
            .And.Contain("[#7 Bump](https://github.com/acme/shop/pull/7)").And.EndWith("</sub>\n");
        body.Split('\n').Count(l => l.StartsWith("```", StringComparison.Ordinal)).Should().Be(2, "the cut fence is closed");
    }

    [Fact]
    public void Body_ADiagnosisThatFits_IsKeptWhole()
    {
        var request = new RevertRequest { Repository = ".", Revision = Sha, Diagnosis = "**Degraded**: 0/2 ready" };

        var body = RevertPullRequestText.Body(request, Sha, "main", null, 4_000);

        body.Should().Contain("**Degraded**: 0/2 ready").And.Contain($"commit `{Sha}`").And.NotContain("truncated");
    }

    [Fact]
    public void RevertBranch_IsThePrefixAndTheFirstSevenHexDigits()
    {
        new RevertRequest { Repository = ".", Revision = Sha }.RevertBranchFor(Sha).Should().Be("helm-sentinel/revert-0123456");
    }
}
