using System.Globalization;
using System.Text.RegularExpressions;
using HelmSentinel.Deploy;
using HelmSentinel.Verify;

namespace HelmSentinel.Platforms.GitHub;

/// <summary>The action's outputs for an outcome, in the order they are written. Pure.</summary>
public static partial class ActionOutputs
{
    /// <summary>
    /// Every output: <c>result</c>, <c>revision</c> (deployed now), <c>restored-revision</c>, <c>previous-revision</c>,
    /// <c>chart-version</c> and <c>app-version</c> (of what is deployed now), <c>failure-reason</c> (masked) and
    /// <c>report-path</c>, <c>verification</c> (<c>passed</c>, <c>failed</c>, <c>cancelled</c>, or <c>skipped</c> when no
    /// check ran), <c>failed-check</c> (masked) and <c>rollback-verification</c> (the same for the restored revision, with
    /// <c>verify-rollback</c>). Absent values are empty strings.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> From(DeployOutcome outcome, SecretMasker masker, string? reportPath)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(masker);
        List<KeyValuePair<string, string>> outputs =
        [
            new("result", DeployResultNames.Of(outcome.Result)),
            new("revision", Number(outcome.CurrentRevision)),
            new("restored-revision", Number(outcome.RestoredRevision)),
            new("previous-revision", Number(outcome.PreviousRevision)),
            new("chart-version", ChartVersion(outcome.After?.Chart) ?? ""),
            new("app-version", outcome.After?.AppVersion ?? ""),
            new("failure-reason", masker.Mask(outcome.FailureReason?.Trim())),
            new("report-path", reportPath ?? ""),
        ];
        outputs.Add(new("verification", VerificationNames.Of(outcome.Verification)));
        outputs.Add(new("failed-check", masker.Mask(outcome.Verification?.FailedCheck)));
        outputs.Add(new("rollback-verification", VerificationNames.Of(outcome.RollbackVerification)));
        outputs.Add(new("has-changes", outcome.Preflight is { } plan ? Bool(plan.HasChanges) : ""));
        outputs.Add(new("blocking-findings", outcome.Preflight is { } preflight ? Number(preflight.BlockingCount) : ""));
        outputs.Add(new("plan-path", ""));
        return outputs;
    }

    /// <summary>
    /// The outputs of <c>mode: plan</c>: the same names as a deploy's, with <c>result</c> <c>planned</c>, <c>blocked</c>,
    /// <c>rejected</c> or <c>unreachable</c>, <c>has-changes</c>, <c>blocking-findings</c> (a count), <c>plan-path</c> (the
    /// JSON plan), <c>report-path</c> (the Markdown plan), <c>previous-revision</c> (the deployed one) and
    /// <c>failure-reason</c> (why it was not made, or the first blocking finding); the deploy's own outputs are empty.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FromPlan(DeployPlan plan, SecretMasker masker, string? planPath, string? reportPath)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(masker);
        var reason = plan.Error ?? plan.Findings.FirstOrDefault(f => f.Severity is Plan.FindingSeverity.Blocking)?.Message;
        return
        [
            new("result", plan.Result.ToString().ToLowerInvariant()),
            new("revision", ""),
            new("restored-revision", ""),
            new("previous-revision", Number(plan.DeployedRevision)),
            new("chart-version", ChartVersion(plan.After?.Chart) ?? ""),
            new("app-version", plan.After?.AppVersion ?? ""),
            new("failure-reason", masker.Mask(reason?.Trim())),
            new("report-path", reportPath ?? ""),
            new("verification", "skipped"),
            new("failed-check", ""),
            new("rollback-verification", "skipped"),
            new("has-changes", Bool(plan.HasChanges)),
            new("blocking-findings", Number(plan.BlockingCount)),
            new("plan-path", planPath ?? ""),
        ];
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>The version part of a <c>name-version</c> chart as Helm's history shows it (the version starts
    /// at the first dash followed by a SemVer core), or null.</summary>
    public static string? ChartVersion(string? chart)
    {
        if (string.IsNullOrEmpty(chart))
        {
            return null;
        }

        var match = NameVersion().Match(chart);
        return match.Success ? match.Groups["version"].Value : null;
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    [GeneratedRegex(@"^(?<name>.+?)-(?<version>v?\d+\.\d+\.\d+(?:[-+].*)?)$")]
    private static partial Regex NameVersion();
}
