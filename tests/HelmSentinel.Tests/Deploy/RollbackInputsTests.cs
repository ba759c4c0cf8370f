using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Deploy;

/// <summary>The inputs of a rollback by hand, and which revision is the last good one.</summary>
public sealed class RollbackInputsTests
{
    [Fact]
    public void ARollback_TakesRevisionAndAllowFailedTarget_AndNoChart()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("release", "web"), ("revision", "4"), ("allow-failed-target", "true"), ("chart", "./web")), rollback: true);

        errors.Should().BeEmpty();
        request!.Rollback.Should().Be(new RollbackTarget(4, AllowFailedTarget: true));
        request.Chart.Should().BeEmpty("a rollback returns to the revision's own chart");
        DeployRequestValidator.Validate(request).Should().BeEmpty();
    }

    [Fact]
    public void ARollbackWithoutRevision_GoesToTheLastGoodOne()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("release", "web")), rollback: true);

        errors.Should().BeEmpty();
        request!.Rollback.Should().Be(new RollbackTarget());
        request.Rollback!.ToString().Should().Be("the last good revision");
    }

    [Theory]
    [InlineData("revision", "3")]
    [InlineData("allow-failed-target", "true")]
    public void ADeploy_RefusesTheRollbackInputs_NamingThem(string input, string value)
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("release", "web"), ("chart", "./web"), (input, value)));

        request.Should().BeNull();
        errors.Should().ContainSingle().Which.Should().Match<InputError>(e => e.Input == input && e.Message.Contains("applies only to a rollback by hand"));
    }

    [Fact]
    public void ADeploy_AcceptsAllowFailedTargetFalse_TheActionsDefault()
    {
        var (request, errors) = DeployInputs.Parse(Inputs(("release", "web"), ("chart", "./web"), ("allow-failed-target", "false")));

        errors.Should().BeEmpty();
        request!.Rollback.Should().BeNull();
    }

    [Fact]
    public void RevisionZero_IsBadInput()
    {
        var errors = DeployRequestValidator.Validate(new DeployRequest { Release = "web", Rollback = new RollbackTarget(0) });

        errors.Should().ContainSingle().Which.Input.Should().Be("revision");
    }

    [Fact]
    public void TheLastGoodRevision_SkipsFailedOnesAndThoseALaterRollbackWentBackOver()
    {
        // 1 good; 2 good but rolled back from by 4 ("Rollback to 1"); 3 failed; 5 deployed (current).
        var history = new ReleaseHistory(
        [
            Entry(1, ReleaseStatus.Superseded, "Install complete"),
            Entry(2, ReleaseStatus.Superseded, "Upgrade complete"),
            Entry(3, ReleaseStatus.Failed, "Upgrade \"web\" failed"),
            Entry(4, ReleaseStatus.Superseded, "Rollback to 1"),
            Entry(5, ReleaseStatus.Deployed, "Upgrade complete"),
        ]);

        RollbackSession.LastGoodBefore(history)!.Revision.Should().Be(4, "revision 4 (a rollback to 1) is itself good");
        RollbackSession.LastGoodBefore(new ReleaseHistory(history.Entries.Take(4)))!.Revision.Should().Be(1,
            "with revision 4 current, 3 failed and 2 was rolled back over");
        RollbackSession.LastGoodBefore(new ReleaseHistory(history.Entries.Take(1))).Should().BeNull("an install has nothing before it");
    }

    private static Dictionary<string, IReadOnlyList<string>> Inputs(params (string Name, string Value)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => (IReadOnlyList<string>)[i.Value], StringComparer.Ordinal);

    private static HistoryEntry Entry(int revision, string status, string description) =>
        new(revision, DateTimeOffset.UnixEpoch.AddMinutes(revision), status, "web-0.1.0", "1.0", description);
}
