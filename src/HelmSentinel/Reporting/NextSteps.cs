using HelmSentinel.Deploy;
using HelmSentinel.Verify;

namespace HelmSentinel.Reporting;

/// <summary>
/// What a person must do when the deploy could not put the release back by itself (<see cref="DeployResult.RollbackFailed"/>):
/// the commands, in order, for this release. Pure: from the outcome and its history; nothing for any other result.
/// </summary>
public static class NextSteps
{
    /// <summary>The steps for <paramref name="outcome"/>, each one line; empty unless it ended <c>rollback-failed</c>.</summary>
    public static IReadOnlyList<string> For(DeployOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result != DeployResult.RollbackFailed)
        {
            return [];
        }

        var (release, ns) = (outcome.Release, outcome.Namespace);
        if (outcome.RollbackVerification is { Verdict: VerificationVerdict.Failed } && outcome.RestoredRevision is { } restored)
        {
            // Helm did its part: the last good revision is deployed, and its checks fail. Rolling back again cannot help.
            return
            [
                $"revision {restored} runs the last good release, and its checks fail (see the verification of restored revision {restored} above): " +
                "something it depends on changed (a database, a service, configuration outside the release)",
                "fix that dependency, or fix forward with a new deploy; another rollback returns to the same revision",
            ];
        }

        if (outcome.StoppedAfterMigration)
        {
            // The user chose not to roll back over a schema change: the way out is forward.
            return
            [
                $"the failed revision stays as it is: its migration ran, and a rollback would restore the old code, not the schema; see the diagnosis above and kubectl get pods --namespace {ns}",
                "fix forward: deploy a corrected chart or image that works with the migrated schema",
                outcome.PreviousRevision is { } previous
                    ? $"or, once the schema is compatible with it again (a down migration run by hand), roll back: helm rollback {release} {previous} --namespace {ns} --wait"
                    : $"or remove the failed install: helm uninstall {release} --namespace {ns} --wait",
            ];
        }

        var steps = new List<string> { $"see what is not running: kubectl get pods --namespace {ns}, and the diagnosis above" };
        steps.AddRange(outcome.StuckPods.Select(p => $"replace the pod the StatefulSet will not replace by itself: {p.DeleteCommand(ns)}"));
        if (outcome.FirstInstall)
        {
            steps.Add($"remove what is left of the failed install: helm uninstall {release} --namespace {ns} --wait");
        }
        else if (outcome.PreviousRevision is { } lastGood)
        {
            var pending = outcome.History.LastOrDefault() is { IsPending: true } latest ? latest : null;
            steps.Add($"once the cause is fixed, return to the last good revision: helm rollback {release} {lastGood} --namespace {ns} --wait" +
                (pending is null ? string.Empty : $" (it also clears the {pending.Status} lock of revision {pending.Revision})"));
        }
        else
        {
            steps.Add($"the history holds no good revision to return to: helm history {release} --namespace {ns}, then fix forward or uninstall");
        }

        steps.Add("then deploy again; until then the release is not at a known good state");
        return steps;
    }
}
