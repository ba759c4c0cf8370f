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
        return outputs;
    }

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
