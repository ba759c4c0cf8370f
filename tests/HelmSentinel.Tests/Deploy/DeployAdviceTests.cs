using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Deploy;

public sealed class DeployAdviceTests
{
    private static readonly DeployRequest Request = new() { Release = "web", Chart = "./web" };

    private static List<HistoryEntry> History(params (string Status, string Description)[] entries) =>
        [.. entries.Select((e, i) => new HistoryEntry(i + 1, null, e.Status, "web-1.0.0", "1.0", e.Description))];

    [Fact]
    public void MostUpgradesFailing_IsAdvice_WithTheCountsAndTheirCauses()
    {
        var history = History(
            ("superseded", "Install complete"),
            ("failed", "Upgrade \"web\" failed: context deadline exceeded"), ("superseded", "Rollback to 1"),
            ("failed", "Upgrade \"web\" failed: context canceled"), ("superseded", "Rollback to 3"),
            ("superseded", "Upgrade complete"), ("superseded", "Rollback to 5"),
            ("failed", "Upgrade \"web\" failed: context deadline exceeded"), ("deployed", "Rollback to 7"));

        DeployAdvice.From(Request, history).Should().ContainSingle().Which.Should().Be(
            "4 of the last 5 upgrades of this release failed or were rolled back: 2 ran out of time (context deadline exceeded: the rollout takes longer " +
            "than the timeout, or its pods never get Ready); 1 was stopped when their pods broke (context canceled: crash, image pull, configuration); " +
            "1 succeeded and was rolled back after (a failing verification check, or by hand: if healthy releases fail the checks, relax their thresholds). " +
            "Compare the timeout with how long a healthy rollout takes here. Try the image before it reaches this environment (a verify document, a staging stage)");
    }

    private static List<HistoryEntry> TenFailedUpgrades(string error)
    {
        var entries = new List<(string, string)> { ("superseded", "Install complete") };
        for (var i = 0; i < 10; i++)
        {
            entries.Add(("failed", $"Upgrade \"web\" failed: {error}"));
            entries.Add(("superseded", "Rollback to 1"));
        }

        return History([.. entries]);
    }

    [Fact]
    public void TenTimedOutUpgrades_AndARolloutNearItsTimeout_BlameTheTimeout()
    {
        var advice = DeployAdvice.From(Request, TenFailedUpgrades("context deadline exceeded"), new MeasuredRollout(TimeSpan.FromSeconds(250), []));

        advice.Should().Equal(
            "10 of the last 10 upgrades of this release failed or were rolled back: 10 ran out of time (context deadline exceeded: the rollout takes longer " +
            "than the timeout, or its pods never get Ready). This rollout took 4m10s of the 5m timeout: the timeout is likely shorter than the rollout; raise it",
            "the rollout took 4m10s of a 5m timeout: a slightly slower one fails; raise the timeout, or make the pods Ready sooner");
    }

    [Fact]
    public void TimedOutUpgrades_AndAFastRollout_BlamePodsThatNeverGetReady()
    {
        var fast = DeployAdvice.From(Request, TenFailedUpgrades("context deadline exceeded"), new MeasuredRollout(TimeSpan.FromSeconds(40), []));
        var unmeasured = DeployAdvice.From(Request, TenFailedUpgrades("context deadline exceeded"));

        fast.Should().ContainSingle().Which.Should().EndWith(
            ". This rollout took 40s of the 5m timeout: the timeouts more likely came from pods that never got Ready than from a short timeout");
        unmeasured.Should().ContainSingle().Which.Should().EndWith(". Compare the timeout with how long a healthy rollout takes here");
    }

    [Fact]
    public void UpgradesMostlyRolledBackAfterSucceeding_BlameTheChecks()
    {
        var history = History(
            ("superseded", "Install complete"),
            ("superseded", "Upgrade complete"), ("superseded", "Rollback to 1"),
            ("superseded", "Upgrade complete"), ("superseded", "Rollback to 1"),
            ("superseded", "Upgrade complete"), ("deployed", "Rollback to 1"));

        DeployAdvice.From(Request, history).Should().Equal(
            "3 of the last 4 upgrades of this release failed or were rolled back: 3 succeeded and were rolled back after (a failing verification check, " +
            "or by hand: if healthy releases fail the checks, relax their thresholds). Most of them passed helm and failed after: the verification checks " +
            "are likely too sensitive for this release");
    }

    [Fact]
    public void AHealthyHistory_OrTooFewUpgrades_GivesNoAdvice()
    {
        DeployAdvice.From(Request, History(("superseded", "Install complete"), ("superseded", "Upgrade complete"), ("deployed", "Upgrade complete"))).Should().BeEmpty();
        DeployAdvice.From(Request, History(("failed", "Install failed"), ("failed", "Upgrade \"web\" failed: x"))).Should().BeEmpty("two upgrades say little");
        DeployAdvice.From(Request, []).Should().BeEmpty();
    }

    [Fact]
    public void OnlyTheLastTenUpgradesCount()
    {
        var old = Enumerable.Repeat(("failed", "Upgrade \"web\" failed: context canceled"), 10);
        var recent = Enumerable.Repeat(("superseded", "Upgrade complete"), 10);

        DeployAdvice.From(Request, History([.. old, .. recent])).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0, "history-max 0 keeps every revision")]
    [InlineData(60, "history-max 60 keeps that many revisions")]
    public void AnUnboundedOrLargeHistoryMax_IsAdvice(int historyMax, string advice)
    {
        DeployAdvice.From(Request with { HistoryMax = historyMax }, []).Should().ContainSingle().Which.Should().StartWith(advice);
        DeployAdvice.From(Request with { HistoryMax = 10 }, []).Should().BeEmpty();
    }
}
