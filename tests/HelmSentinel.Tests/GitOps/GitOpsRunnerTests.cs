using HelmSentinel.Deploy;
using HelmSentinel.GitOps;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.Tests.GitOps.Readings;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.Tests.GitOps;

/// <summary>The runner over scripted readings on a manual clock: each reading sets the clock to its time; once they run
/// out, the clock jumps to each deadline the runner sets, as time would pass with nothing new to read.</summary>
public sealed class GitOpsRunnerTests
{
    private readonly RecordingLog _log = new();
    private readonly ManualClock _clock = new(T0) { AutoAdvance = true };
    private readonly List<GitOpsOutcome> _reverts = [];

    private static GitOpsRequest Request(RevertMode revert = RevertMode.PullRequest) => new()
    {
        Revision = Wanted,
        Target = new GitOpsTarget.ArgoCdKube(new KubeAccess(null, null), "argocd", "shop"),
        Revert = revert,
    };

    [Fact]
    public async Task HealthyForTheBake_ExitsZero_AndRevertsNothing()
    {
        var outcome = await RunAsync(Request(), AtOld(1), AtWanted(12, AppHealth.Progressing), AtWanted(20, AppHealth.Healthy));

        outcome.Result.Should().Be(GitOpsResult.Healthy);
        outcome.ExitCode.Should().Be(ExitCodes.Succeeded);
        outcome.Watch!.EndedAt.Should().Be(T0.AddSeconds(80), "healthy from +20s for the 60s bake");
        _reverts.Should().BeEmpty();
        _log.Lines.Should().Contain("+20s Synced to 1a2b3c4, operation Succeeded; Healthy at revision 1a2b3c4");
    }

    [Fact]
    public async Task DegradedAfterTheSync_IsReverted_WithTheDiagnosis_AndExitsOne()
    {
        var web = new AppResource("Deployment", "shop", "web", AppHealth.Degraded, "Deployment \"web\" exceeded its progress deadline");

        var outcome = await RunAsync(Request(), AtOld(1), AtWanted(30, AppHealth.Degraded, null, web));

        outcome.Result.Should().Be(GitOpsResult.Reverted);
        outcome.ExitCode.Should().Be(ExitCodes.RolledBack);
        var revert = _reverts.Should().ContainSingle().Subject;
        GitOpsReport.Markdown(revert).Should().Contain("Deployment \"web\" exceeded its progress deadline").And.Contain("| `Deployment/shop/web` | Degraded |")
            .And.Contain("failed on scripted; reverted: this pull request reverts it");
        outcome.Revert!.Summary.Should().Be("revert pull request #7 opened");
        GitOpsReport.Headline(outcome).Should().Be("revision 1a2b3c4 failed on scripted; reverted: revert pull request #7 opened");
    }

    [Fact]
    public async Task WithRevertNone_OnlyReports_AndExitsTwo()
    {
        var outcome = await RunAsync(Request(RevertMode.None), AtWanted(5, AppHealth.Degraded));

        outcome.Result.Should().Be(GitOpsResult.NotReverted);
        outcome.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        _reverts.Should().BeEmpty();
    }

    [Fact]
    public async Task NeverSyncedWithinTheTimeout_ExitsTwo_AndRevertsNothing()
    {
        var outcome = await RunAsync(Request(), AtOld(1), AtOld(200));

        outcome.Result.Should().Be(GitOpsResult.NeverSynced);
        outcome.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        outcome.Watch!.EndedAt.Should().Be(T0 + Request().Timeout);
        outcome.Reason.Should().Contain("never synced to 1a2b3c4");
        _reverts.Should().BeEmpty();
    }

    [Theory]
    [InlineData(GitOpsSourceFailure.Unauthorized, ExitCodes.Rejected)]
    [InlineData(GitOpsSourceFailure.NotFound, ExitCodes.Rejected)]
    [InlineData(GitOpsSourceFailure.Unreachable, ExitCodes.Unreachable)]
    public async Task ASourceThatCannotBeRead_EndsWithItsExitCode_AndRevertsNothing(GitOpsSourceFailure failure, int exitCode)
    {
        var source = new ScriptedSource(_clock, [AtOld(1)]) { FailWith = new GitOpsSourceException(failure, "Argo CD refused the token in ARGOCD_AUTH_TOKEN (401)") };

        var outcome = await new GitOpsRunner(_log, _clock).RunAsync(Request(), source, Actions());

        outcome.ExitCode.Should().Be(exitCode);
        outcome.Reason.Should().Be("Argo CD refused the token in ARGOCD_AUTH_TOKEN (401)");
        _reverts.Should().BeEmpty();
    }

    [Fact]
    public async Task ARevertThatConflicts_IsNotReverted_AndNamesThePaths()
    {
        var actions = new GitOpsActions
        {
            Revert = (_, _) => Task.FromResult(new GitOpsRevertReport(false, "the revert of 1a2b3c4 conflicts with later commits; nothing was pushed")
            {
                ConflictPaths = ["apps/web/values.yaml"],
                ManualCommand = "git revert -m 1 " + Wanted,
            }),
        };

        var outcome = await new GitOpsRunner(_log, _clock).RunAsync(Request(), new ScriptedSource(_clock, [AtWanted(5, AppHealth.Degraded)]), actions);

        outcome.ExitCode.Should().Be(ExitCodes.RollbackFailed);
        GitOpsReport.Text(outcome).Should().Contain("conflicting paths: apps/web/values.yaml").And.Contain("by hand: git revert -m 1 " + Wanted);
    }

    [Fact]
    public async Task TheArgoCdRollback_GoesToTheEntryBeforeTheRevision_AndNotWithAutomatedSync()
    {
        AppHistoryEntry? asked = null;
        var actions = Actions() with
        {
            ArgoCdRollback = (entry, _) =>
            {
                asked = entry;
                return Task.FromResult($"Argo CD rolled back to history {entry.Id}");
            },
        };

        var manual = await new GitOpsRunner(_log, _clock).RunAsync(Request(), new ScriptedSource(_clock, [AtWanted(5, AppHealth.Degraded)]), actions);
        var automated = await new GitOpsRunner(_log, _clock).RunAsync(
            Request(), new ScriptedSource(_clock, [AtWanted(5, AppHealth.Degraded) with { AutomatedSync = true }]), actions);

        asked!.Id.Should().Be(1);
        manual.ArgoCdRollback.Should().Be("Argo CD rolled back to history 1");
        automated.ArgoCdRollback.Should().StartWith("Argo CD rollback: not tried, the application has automated sync");
    }

    private GitOpsActions Actions() => new()
    {
        Revert = (outcome, _) =>
        {
            _reverts.Add(outcome);
            return Task.FromResult(new GitOpsRevertReport(true, "revert pull request #7 opened", "http://git.example/pr/7"));
        },
    };

    private Task<GitOpsOutcome> RunAsync(GitOpsRequest request, params AppObservation[] readings) =>
        new GitOpsRunner(_log, _clock).RunAsync(request, new ScriptedSource(_clock, readings), Actions());

    private sealed class ScriptedSource(ManualClock clock, IReadOnlyList<AppObservation> readings) : IAppSource
    {
        private int _next;

        public string Name => "scripted";

        public GitOpsSourceException? FailWith { get; init; }

        public Task<AppObservation> NextAsync(CancellationToken cancellationToken)
        {
            if (_next < readings.Count)
            {
                var reading = readings[_next++];
                clock.Set(reading.At);
                return Task.FromResult(reading);
            }

            if (FailWith is { } e)
            {
                return Task.FromException<AppObservation>(e);
            }

            // Nothing more to read: only the watch's end (its cancellation) ends the wait; no timer.
            var never = new TaskCompletionSource<AppObservation>(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return never.Task;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
