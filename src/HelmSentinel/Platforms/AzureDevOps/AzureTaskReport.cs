using System.Text;
using HelmSentinel.Deploy;
using HelmSentinel.Reporting;
using HelmSentinel.Verify;

namespace HelmSentinel.Platforms.AzureDevOps;

/// <summary>What the task tells Azure DevOps about an outcome, as strings: output variables, the build tag, the
/// PR thread key and content, the status. Pure.</summary>
public static class AzureTaskReport
{
    /// <summary>The output variables the task sets (task.json <c>outputVariables</c>).</summary>
    public static IReadOnlyList<string> OutputNames { get; } =
        ["result", "revision", "restoredRevision", "previousRevision", "failureReason", "verification", "failedCheck", "rollbackVerification", "hasChanges", "blockingFindings", "planPath"];

    /// <summary>The output variables' values: <c>revision</c> is the revision deployed now (empty when none),
    /// <c>failureReason</c> one masked line, <c>verification</c> (<c>passed</c>, <c>failed</c>, <c>cancelled</c>, or
    /// <c>skipped</c> when no check ran), <c>failedCheck</c> (masked, empty when none failed) and <c>rollbackVerification</c>
    /// (the same for the restored revision, with <c>verifyRollback</c>).</summary>
    public static IReadOnlyList<(string Name, string Value)> Outputs(DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        List<(string Name, string Value)> outputs =
        [
            ("result", DeployResultNames.Of(outcome.Result)),
            ("revision", Number(outcome.CurrentRevision)),
            ("restoredRevision", Number(outcome.RestoredRevision)),
            ("previousRevision", Number(outcome.PreviousRevision)),
            ("failureReason", OneLine(masker.Mask(outcome.FailureReason))),
        ];
        outputs.Add(("verification", VerificationNames.Of(outcome.Verification)));
        outputs.Add(("failedCheck", OneLine(masker.Mask(outcome.Verification?.FailedCheck))));
        outputs.Add(("rollbackVerification", VerificationNames.Of(outcome.RollbackVerification)));
        outputs.Add(("hasChanges", outcome.Preflight is { } plan ? (plan.HasChanges ? "true" : "false") : ""));
        outputs.Add(("blockingFindings", outcome.Preflight is { } preflight ? Number(preflight.BlockingCount) : ""));
        outputs.Add(("planPath", ""));
        return outputs;
    }

    /// <summary>The output variables of <c>command: plan</c>: the same names, <c>result</c> <c>planned</c>, <c>blocked</c>,
    /// <c>rejected</c> or <c>unreachable</c>, <c>hasChanges</c>, <c>blockingFindings</c>, <c>planPath</c> (the JSON plan),
    /// <c>previousRevision</c> (the deployed one) and <c>failureReason</c> (why it was not made, or the first blocking finding).</summary>
    public static IReadOnlyList<(string Name, string Value)> PlanOutputs(DeployPlan plan, SecretMasker masker, string planPath)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        return
        [
            ("result", plan.Result.ToString().ToLowerInvariant()),
            ("revision", ""),
            ("restoredRevision", ""),
            ("previousRevision", Number(plan.DeployedRevision)),
            ("failureReason", OneLine(masker.Mask(PlanReason(plan)))),
            ("verification", "skipped"),
            ("failedCheck", ""),
            ("rollbackVerification", "skipped"),
            ("hasChanges", plan.HasChanges ? "true" : "false"),
            ("blockingFindings", Number(plan.BlockingCount)),
            ("planPath", planPath),
        ];
    }

    /// <summary>The commands that close a plan: the error (blocked or not made), the outputs, the summary, the build tag
    /// <c>helm-sentinel:plan-RESULT</c>.</summary>
    public static IEnumerable<string> PlanCommands(DeployPlan plan, SecretMasker masker, string summaryPath, string planPath)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        if (plan.Result is not PlanResult.Planned)
        {
            yield return AzureCommands.Error(masker.Mask($"helm-sentinel: {PlanReport.Headline(plan)}: {PlanReason(plan)}"));
        }

        foreach (var (name, value) in PlanOutputs(plan, masker, planPath))
        {
            yield return AzureCommands.SetOutput(name, value);
        }

        yield return AzureCommands.UploadSummary(summaryPath);
        yield return AzureCommands.AddBuildTag("helm-sentinel:plan-" + plan.Result.ToString().ToLowerInvariant());
    }

    /// <summary>The final <c>task.complete</c> of a plan: Succeeded when it has no blocking finding, else Failed.</summary>
    public static string PlanComplete(DeployPlan plan, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        return AzureCommands.Complete(plan.Result is PlanResult.Planned, masker.Mask(plan.Result is PlanResult.Planned ? PlanReport.Headline(plan) : PlanReason(plan)));
    }

    /// <summary>The pull request thread's content for a plan: the plan, bounded, and the footer of a deploy's thread.</summary>
    public static string PlanThreadContent(DeployPlan plan, SecretMasker masker, string? buildUrl, string? environment)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        return Footer(new StringBuilder(PlanReport.Markdown(plan, masker, MaxThreadLength, "the full plan is in the pipeline run's summary")), masker, buildUrl, environment);
    }

    /// <summary>Azure Repos keeps a thread comment to 150,000 characters; the plan stays well under it.</summary>
    public const int MaxThreadLength = 140_000;

    private static string PlanReason(DeployPlan plan) =>
        plan.Error ?? plan.Findings.FirstOrDefault(f => f.Severity is Plan.FindingSeverity.Blocking)?.Message ?? PlanReport.Headline(plan);

    /// <summary>The commands that close the task, in order: the error (on failure), the outputs, the summary
    /// attachment, the build tag. <see cref="Complete"/> comes last, after the PR is updated.</summary>
    public static IEnumerable<string> Commands(DeployOutcome outcome, SecretMasker masker, string summaryPath)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        if (outcome.Result != DeployResult.Succeeded)
        {
            yield return AzureCommands.Error($"helm-sentinel: {TextReport.Headline(outcome)}: {Reason(outcome, masker)}");
        }

        foreach (var (name, value) in Outputs(outcome, masker))
        {
            yield return AzureCommands.SetOutput(name, value);
        }

        yield return AzureCommands.UploadSummary(summaryPath);
        yield return AzureCommands.AddBuildTag("helm-sentinel:" + DeployResultNames.Of(outcome.Result));
    }

    /// <summary>The final <c>task.complete</c>: Succeeded with the headline, or Failed with the reason.</summary>
    public static string Complete(DeployOutcome outcome, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Result == DeployResult.Succeeded
            ? AzureCommands.Complete(true, TextReport.Headline(outcome))
            : AzureCommands.Complete(false, Reason(outcome, masker));
    }

    /// <summary>The summary file name for a release: <c>helm-sentinel-{namespace}-{release}.md</c>, safe characters only
    /// (the agent shows the file name as the summary section's title).</summary>
    public static string SummaryFileName(string release, string @namespace) =>
        $"helm-sentinel-{Safe(@namespace)}-{Safe(release)}.md";

    /// <summary>Identifies the PR thread of a release in an environment: <c>namespace/release</c>, plus <c>@environment</c>.</summary>
    public static string ThreadKey(string release, string @namespace, string? environment) =>
        $"{@namespace}/{release}" + (string.IsNullOrWhiteSpace(environment) ? string.Empty : "@" + environment.Trim());

    /// <summary>The PR status name (genre <c>helm-sentinel</c>): the release, plus <c>@environment</c>.</summary>
    public static string StatusName(string release, string? environment) =>
        release + (string.IsNullOrWhiteSpace(environment) ? string.Empty : "@" + environment.Trim());

    /// <summary>The PR status state for an outcome: <c>succeeded</c> or <c>failed</c>.</summary>
    public static string StatusState(DeployOutcome outcome) =>
        outcome?.Result == DeployResult.Succeeded ? "succeeded" : "failed";

    /// <summary>The PR thread's Markdown: the report, then where it came from.</summary>
    public static string ThreadContent(DeployOutcome outcome, SecretMasker masker, string? buildUrl, string? environment)
    {
        return Footer(new StringBuilder(MarkdownReport.Render(outcome, masker)), masker, buildUrl, environment);
    }

    private static string Footer(StringBuilder text, SecretMasker masker, string? buildUrl, string? environment)
    {
        text.Append("\n---\n_helm-sentinel");
        if (!string.IsNullOrWhiteSpace(environment))
        {
            text.Append(" · environment `").Append(OneLine(environment).Replace("`", "'", StringComparison.Ordinal)).Append('`');
        }

        if (buildUrl is not null)
        {
            text.Append(" · [pipeline run](").Append(buildUrl).Append(')');
        }

        return masker.Mask(text.Append("; this comment is updated in place by later runs._\n").ToString());
    }

    /// <summary>The outcome for inputs rejected before a request existed: nothing was run or changed; errors name the task's inputs.</summary>
    public static DeployOutcome Rejected(string? release, string @namespace, IEnumerable<InputError> errors) =>
        DeployOutcome.Rejected(release, @namespace, null, errors, AzureTaskContext.TaskInputName);

    // The error and the completion message keep the reason's lines (the agent shows them); the output variable is one line.
    private static string Reason(DeployOutcome outcome, SecretMasker masker) =>
        masker.Mask(outcome.FailureReason).Trim() is { Length: > 0 } reason ? reason : TextReport.Headline(outcome);

    private static string Number(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    private static string OneLine(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Safe(string text)
    {
        var safe = new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-')]).Trim('-', '.');
        return safe.Length == 0 ? "release" : safe.Length > 60 ? safe[..60] : safe;
    }
}
