using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Reporting;

/// <summary>Realistic outcomes of each kind, shared by the report tests.</summary>
internal static class Outcomes
{
    public const string Secret = "s3cr3t-db-pass";

    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static HistoryEntry Rev(int revision, string status, string chart, string app, string description, int minutesAfterStart = 0) =>
        new(revision, Start.AddMinutes(minutesAfterStart), status, chart, app, description);

    private static PhaseTiming[] Phases(params (string Name, double Seconds)[] phases)
    {
        var at = Start;
        var result = new List<PhaseTiming>();
        foreach (var (name, seconds) in phases)
        {
            result.Add(new PhaseTiming(name, at, TimeSpan.FromSeconds(seconds)));
            at = at.AddSeconds(seconds);
        }

        return [.. result];
    }

    public static DeployOutcome Succeeded => new()
    {
        Result = DeployResult.Succeeded,
        Release = "web",
        Namespace = "shop",
        ChartReference = "./charts/web",
        HelmVersion = "v3.17.2+gcc0bbbd",
        Before = new ChartSnapshot("web-1.1.0", "1.1"),
        After = new ChartSnapshot("web-1.2.0", "1.2"),
        PreviousRevision = 2,
        AttemptedRevision = 3,
        CurrentRevision = 3,
        Warnings = ["history-max 3 keeps only 1 revision before the last good one"],
        Phases = Phases(("validate", 0.012), ("detect-helm", 0.21), ("read-history", 0.35), ("upgrade", 41.5), ("verify", 0.4)),
        History =
        [
            Rev(1, "superseded", "web-1.0.0", "1.0", "Install complete", -1440),
            Rev(2, "superseded", "web-1.1.0", "1.1", "Upgrade complete", -60),
            Rev(3, "deployed", "web-1.2.0", "1.2", "Upgrade complete", 1),
        ],
        Duration = TimeSpan.FromSeconds(42.5),
    };

    public static DeployOutcome RolledBack => new()
    {
        Result = DeployResult.RolledBack,
        Release = "web",
        Namespace = "shop",
        ChartReference = "oci://ghcr.io/acme/charts/web",
        HelmVersion = "v4.1.4+g05fa379",
        Before = new ChartSnapshot("web-1.1.0", "1.1"),
        After = new ChartSnapshot("web-1.1.0", "1.1"),
        PreviousRevision = 2,
        AttemptedRevision = 3,
        RestoredRevision = 4,
        CurrentRevision = 4,
        FailureReason = "the upgrade did not become ready within 5m0s",
        HelmError =
            "Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: " +
            "resource Deployment/shop/web not ready. status: InProgress, message: Available: 0/3 (DB_PASSWORD=" + Secret + ")\n" +
            "context deadline exceeded",
        Actions = ["Helm rolled back to revision 2 as revision 4"],
        Phases = Phases(("validate", 0.01), ("detect-helm", 0.2), ("read-history", 0.3), ("upgrade", 301.2), ("verify", 0.5)),
        History =
        [
            Rev(1, "superseded", "web-1.0.0", "1.0", "Install complete", -1440),
            Rev(2, "superseded", "web-1.1.0", "1.1", "Upgrade complete", -60),
            Rev(3, "failed", "web-1.2.0", "1.2", "Upgrade \"web\" failed: resource Deployment/shop/web not ready. status: InProgress | DB_PASSWORD=" + Secret + "\ncontext deadline exceeded", 0),
            Rev(4, "deployed", "web-1.1.0", "1.1", "Rollback to 2", 5),
        ],
        Duration = TimeSpan.FromSeconds(302.2),
    };

    /// <summary>A crash-looping upgrade stopped by fail-fast after 6 s instead of the 5 m timeout.</summary>
    public static DeployOutcome FailFastRolledBack => RolledBack with
    {
        FailureReason = "pod web-7d9f8-x2x4q (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1; last log line: panic: required setting DATABASE_URL is not set",
        HelmError = "Error: UPGRADE FAILED: release web failed, and has been rolled back due to rollback-on-failure being set: context canceled",
        Diagnosis = new RolloutDiagnosis(
            "pod web-7d9f8-x2x4q (Deployment web): CrashLoopBackOff after 2 restarts, exit code 1",
            [
                new PodDiagnosis(
                    "web-7d9f8-x2x4q",
                    "Deployment/web",
                    "web",
                    "CrashLoopBackOff",
                    "back-off 2s restarting failed container=web pod=web-7d9f8-x2x4q_shop(uid)",
                    1,
                    2,
                    ["2026/11/24 12:00:03 connecting with password " + Secret, "panic: required setting DATABASE_URL is not set"],
                    ["BackOff: Back-off restarting failed container web in pod web-7d9f8-x2x4q_shop(uid) (x2)"]),
            ],
            ["Deployment/web: 2/3 ready, 1 updated"],
            Start.AddSeconds(6),
            Fatal: true),
        Phases = Phases(("validate", 0.01), ("detect-helm", 0.2), ("read-history", 0.3), ("upgrade", 6.4), ("verify", 0.5)),
        Duration = TimeSpan.FromSeconds(7.4),
    };

    public static DeployOutcome FirstInstallUninstalled => new()
    {
        Result = DeployResult.RolledBack,
        Release = "api",
        Namespace = "team-a",
        ChartReference = "acme/api",
        HelmVersion = "v4.1.4+g05fa379",
        FirstInstall = true,
        Uninstalled = true,
        AttemptedRevision = 1,
        FailureReason = "the first install did not become ready within 2m0s; Helm uninstalled it",
        HelmError =
            "Error: release api failed, and has been uninstalled due to rollback-on-failure being set: " +
            "resource Deployment/team-a/api not ready. status: Failed, message: Progress deadline exceeded",
        Phases = Phases(("validate", 0.01), ("detect-helm", 0.2), ("read-history", 0.1), ("upgrade", 121), ("verify", 0.3)),
        Duration = TimeSpan.FromSeconds(121.6),
    };

    public static DeployOutcome RollbackFailed => new()
    {
        Result = DeployResult.RollbackFailed,
        Release = "web",
        Namespace = "shop",
        ChartReference = "./charts/web",
        HelmVersion = "v3.17.2+gcc0bbbd",
        Before = new ChartSnapshot("web-1.1.0", "1.1"),
        PreviousRevision = 4,
        AttemptedRevision = 5,
        FailureReason = "the upgrade failed and the rollback to revision 4 failed too",
        HelmError =
            "Error: UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: " +
            "context deadline exceeded: timed out waiting for the condition",
        Actions =
        [
            "Helm's rollback did not restore revision 4; rolling back explicitly with its own timeout of 5m0s",
            "explicit rollback to revision 4 failed: timed out waiting for the condition",
        ],
        Warnings = ["revision 6 is failed; run 'helm history web -n shop' and look at the pods before retrying"],
        Phases = Phases(("validate", 0.01), ("detect-helm", 0.2), ("read-history", 0.3), ("upgrade", 300.4), ("verify", 0.4), ("rollback", 300.2)),
        History =
        [
            Rev(3, "superseded", "web-1.0.0", "1.0", "Upgrade complete", -2880),
            Rev(4, "superseded", "web-1.1.0", "1.1", "Upgrade complete", -60),
            Rev(5, "failed", "web-1.2.0", "1.2", "Upgrade \"web\" failed: context deadline exceeded", 0),
            Rev(6, "failed", "web-1.1.0", "1.1", "Rollback \"web\" failed: timed out waiting for the condition", 5),
        ],
        Duration = TimeSpan.FromSeconds(601.1),
    };

    public static DeployOutcome Rejected => new()
    {
        Result = DeployResult.Rejected,
        Release = "Web_App",
        Namespace = "shop",
        ChartReference = "./charts/web",
        FailureReason =
            "release: release 'Web_App' is not a valid release name; expected lower-case letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label), such as web-api.\n" +
            "set: set item 'password " + Secret + "' has no '='; expected key=value, such as image.tag=1.2.3.",
        Phases = Phases(("validate", 0.004)),
        Duration = TimeSpan.FromMilliseconds(4),
    };

    private static DateTimeOffset At(double seconds) => Start.AddSeconds(seconds);

    /// <summary>A verified upgrade: an HTTP check and a Prometheus check with a baseline passed their 1m bake.</summary>
    public static DeployOutcome VerificationPassed => Succeeded with
    {
        Phases = Phases(("validate", 0.012), ("detect-helm", 0.21), ("read-history", 0.35), ("baseline", 0.3), ("upgrade", 41.5), ("verify", 0.4), ("verification", 60)),
        Timeline =
        [
            new(At(1), "upgrade started"),
            new(At(42.5), "helm reported success"),
            new(At(43), "verification started"),
            new(At(103), "verification passed"),
        ],
        Verification = new VerificationReport(
            VerificationVerdict.Passed,
            [
                new("healthz", "http", 12, 0, 1, "200", null, null, CheckVerdict.Passed, null),
                new("error-rate", "prometheus", 12, 1, 0, "0.0021", "result < 0.01 || result <= baseline * 1.2", "0.0019", CheckVerdict.Passed, null),
            ],
            null, null, At(43), At(103)),
        Duration = TimeSpan.FromSeconds(103.5),
    };

    /// <summary>Ready pods answering 503: the HTTP check failed its bake and the engine rolled back explicitly; the
    /// Prometheus check was stopped (its last value carries a <c>|</c> and a secret, its condition a backtick).</summary>
    public static DeployOutcome VerificationFailed => new()
    {
        Result = DeployResult.RolledBack,
        Release = "web",
        Namespace = "shop",
        ChartReference = "oci://ghcr.io/acme/charts/web",
        HelmVersion = "v4.1.4+g05fa379",
        Before = new ChartSnapshot("web-1.1.0", "1.1"),
        After = new ChartSnapshot("web-1.1.0", "1.1"),
        PreviousRevision = 2,
        AttemptedRevision = 3,
        RestoredRevision = 4,
        CurrentRevision = 4,
        FailureReason = "verification failed: healthz: GET /healthz answered 503 twice in a row (expected 200)",
        Actions =
        [
            "the verification failed (healthz: GET /healthz answered 503 twice in a row (expected 200)); rolling back",
            "rolled back explicitly to revision 2 as revision 4",
        ],
        Phases = Phases(("validate", 0.01), ("detect-helm", 0.2), ("read-history", 0.3), ("baseline", 0.3), ("upgrade", 40.1), ("verify", 0.5), ("verification", 10), ("rollback", 20.4)),
        Timeline =
        [
            new(At(1), "upgrade started"),
            new(At(41), "helm reported success"),
            new(At(41.5), "verification started"),
            new(At(51.5), "check healthz failed"),
            new(At(51.6), "explicit rollback to revision 2 started"),
            new(At(72), "restored revision 2 as revision 4"),
        ],
        Verification = new VerificationReport(
            VerificationVerdict.Failed,
            [
                new("healthz", "http", 3, 2, 0, "503", null, null, CheckVerdict.Failed,
                    "GET /healthz answered 503 twice in a row (expected 200)"),
                new("error-rate", "prometheus", 2, 0, 0, "a|b token=" + Secret, "result < `0.01` | baseline", "0.002", CheckVerdict.Inconclusive,
                    "stopped after 2 samples: healthz failed"),
                new("smoke", "helmTest", 0, 0, 0, null, null, null, CheckVerdict.NotRun, "not run: healthz failed"),
            ],
            "healthz", "healthz: GET /healthz answered 503 twice in a row (expected 200)", At(41.5), At(51.5)),
        History =
        [
            Rev(1, "superseded", "web-1.0.0", "1.0", "Install complete", -1440),
            Rev(2, "superseded", "web-1.1.0", "1.1", "Upgrade complete", -60),
            Rev(3, "superseded", "web-1.2.0", "1.2", "Upgrade complete", 0),
            Rev(4, "deployed", "web-1.1.0", "1.1", "Rollback to 2", 1),
        ],
        Duration = TimeSpan.FromSeconds(72.3),
    };

    /// <summary>verify-rollback: the upgrade failed its checks, and the restored revision failed them too (a dependency broke).</summary>
    public static DeployOutcome VerificationRestoredFailed => VerificationFailed with
    {
        Result = DeployResult.RollbackFailed,
        FailureReason = VerificationFailed.FailureReason +
            "; restored revision 4 failed its verification too: healthz: GET /healthz answered 503 (expected 200), 1 failure (failureLimit 0)",
        Actions =
        [
            .. VerificationFailed.Actions,
            "restored revision 4 failed its verification too (healthz: GET /healthz answered 503 (expected 200), 1 failure (failureLimit 0)); it stays deployed: there is no better revision to return to",
        ],
        Phases = [.. VerificationFailed.Phases, .. Phases(("rollback verification", 1))],
        Timeline =
        [
            .. VerificationFailed.Timeline,
            new(At(72.1), "restored revision 4: verification started"),
            new(At(73.1), "restored revision 4: check healthz failed"),
        ],
        RollbackVerification = new VerificationReport(
            VerificationVerdict.Failed,
            [new("healthz", "http", 1, 1, 0, "503 token=" + Secret, null, null, CheckVerdict.Failed, "GET /healthz answered 503 (expected 200), 1 failure (failureLimit 0)")],
            "healthz", "healthz: GET /healthz answered 503 (expected 200), 1 failure (failureLimit 0)", At(72.1), At(73.1)),
        Duration = TimeSpan.FromSeconds(73.4),
    };

    /// <summary>The job was cancelled during the bake: the upgrade stays deployed, its checks unfinished.</summary>
    public static DeployOutcome VerificationCancelled => Succeeded with
    {
        Warnings = ["the verification was cancelled (cancelled 12s into the 1m bake); revision 3 stays deployed, its checks unfinished"],
        Phases = Phases(("validate", 0.012), ("detect-helm", 0.21), ("read-history", 0.35), ("upgrade", 41.5), ("verify", 0.4), ("verification", 12)),
        Timeline =
        [
            new(At(1), "upgrade started"),
            new(At(42.5), "helm reported success"),
            new(At(43), "verification started"),
        ],
        Verification = new VerificationReport(
            VerificationVerdict.Cancelled,
            [new("healthz", "http", 2, 0, 0, "200", null, null, CheckVerdict.Inconclusive, "stopped after 2 samples: the verification was cancelled")],
            null, "cancelled 12s into the 1m bake", At(43), At(55)),
        Duration = TimeSpan.FromSeconds(55.5),
    };
}
