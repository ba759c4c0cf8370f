using System.Text.RegularExpressions;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Support;

/// <summary>
/// What every outcome must hold, whichever way the deploy ended: its facts (what is deployed now, the restored revision,
/// the attempted one) agree with its own history, and every step its timeline starts has an ending. A report made of an
/// outcome that fails this would contradict itself.
/// </summary>
internal static partial class OutcomeAgreement
{
    public static void ShouldAgreeWithItsHistory(this DeployOutcome outcome)
    {
        var because = $"the report of a {DeployResultNames.Of(outcome.Result)} outcome must not contradict its history";
        var deployed = outcome.History.LastOrDefault(h => h.Status == ReleaseStatus.Deployed);
        if (outcome.History.Count > 0)
        {
            outcome.CurrentRevision.Should().Be(deployed?.Revision, because);
            outcome.After?.Chart.Should().Be(deployed?.Chart, because);
            outcome.After?.AppVersion.Should().Be(deployed?.AppVersion, because);
            if (deployed is null)
            {
                outcome.After.Should().BeNull(because);
            }
        }

        if (outcome.RestoredRevision is { } restored)
        {
            var entry = outcome.History.Single(h => h.Revision == restored);
            entry.Status.Should().Be(ReleaseStatus.Deployed, because);
            entry.Description.Should().StartWith($"Rollback to {outcome.PreviousRevision}", because);
        }

        if (outcome.Result != DeployResult.Succeeded && outcome.AttemptedRevision is { } attempted
            && outcome.History.FirstOrDefault(h => h.Revision == attempted) is { } tried)
        {
            tried.Status.Should().NotBe(ReleaseStatus.Deployed, because);
        }

        var marks = outcome.Timeline.Select(t => t.What).ToList();
        for (var i = 0; i < marks.Count; i++)
        {
            if (Ending(marks[i]) is { } ends)
            {
                marks.Skip(i + 1).Should().Contain(m => ends.IsMatch(m), $"'{marks[i]}' must have an ending in the timeline: {string.Join(" | ", marks)}");
            }
        }

        if (outcome.Actions.Any(a => a.Contains("rolling back explicitly", StringComparison.Ordinal)))
        {
            outcome.Phases.Select(p => p.Name).Should().Contain("rollback", "the explicit rollback is a phase of its own");
        }
    }

    private static Regex? Ending(string mark) => mark switch
    {
        "upgrade started" or "install started" => HelmEnded(),
        "rollback started: helm interrupted, its atomic rollback runs" => HelmExitedAfterRollback(),
        _ when ExplicitRollback().Match(mark) is { Success: true } m =>
            new Regex($"^(restored revision {m.Groups[1].Value} as revision \\d+|explicit rollback to revision {m.Groups[1].Value} failed)$"),
        _ => null,
    };

    [GeneratedRegex("^(helm reported success|helm reported failure|helm interrupted|helm exited after its own rollback)$")]
    private static partial Regex HelmEnded();

    [GeneratedRegex("^helm exited after its own rollback$")]
    private static partial Regex HelmExitedAfterRollback();

    [GeneratedRegex("^explicit rollback to revision (\\d+) started$")]
    private static partial Regex ExplicitRollback();
}
