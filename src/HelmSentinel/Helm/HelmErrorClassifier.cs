using System.Text.RegularExpressions;
using HelmSentinel.Text;

namespace HelmSentinel.Helm;

/// <summary>What a helm error means for the engine. Helm exits 1 for every error, so this comes from stderr.</summary>
public enum HelmErrorClass
{
    /// <summary>Nothing known matched. Not retried.</summary>
    Unknown,

    /// <summary>A connectivity or API-server hiccup before or between changes: retry.</summary>
    Transient,

    /// <summary>The chart, values, flags or release state are wrong; retrying gives the same error.</summary>
    Permanent,

    /// <summary>A <c>pending-*</c> revision holds the release lock ("another operation is in progress").</summary>
    Locked,

    /// <summary>The resources were applied but did not become ready in time, or a hook or Job failed.</summary>
    WaitFailed,

    /// <summary>The upgrade failed and Helm's atomic rollback succeeded.</summary>
    RolledBack,

    /// <summary>The first install failed and Helm's atomic handling uninstalled it.</summary>
    Uninstalled,

    /// <summary>The upgrade failed and Helm could not restore the release (rollback, uninstall or cleanup failed, or no good revision).</summary>
    RollbackFailed,
}

/// <summary>One row of the classification table.</summary>
/// <param name="Pattern">Matched against stderr, case-insensitively.</param>
/// <param name="Class">The class given when it matches.</param>
/// <param name="Description">What the text means, for logs and reports.</param>
public sealed record HelmErrorRule(Regex Pattern, HelmErrorClass Class, string Description);

/// <summary>
/// Classifies helm's stderr with an ordered table of the texts Helm 3.17 and 4.1 really print (both casings;
/// with or without <c>Error: </c> and <c>UPGRADE FAILED: </c>). The first matching row wins, so the order
/// encodes precedence: what Helm did about a failure (rolled back, uninstalled, could not restore) comes
/// before the failure's cause, a lock and chart errors come before connectivity words they may quote, and a
/// wait deadline comes before the generic transient causes.
/// </summary>
public static partial class HelmErrorClassifier
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The table, in precedence order.</summary>
    public static IReadOnlyList<HelmErrorRule> Rules { get; } =
    [
        // 1. Helm's automatic recovery failed: the outer message quotes the original error, which may hold any cause.
        Literal("an error occurred while rolling back the release", HelmErrorClass.RollbackFailed, "the atomic rollback itself failed"),
        Literal("an error occurred while uninstalling the release", HelmErrorClass.RollbackFailed, "removing the failed first install failed"),
        Literal("unable to find a previously successful release", HelmErrorClass.RollbackFailed, "no deployed or superseded revision to roll back to"),
        Literal("an error occurred while finding last successful release", HelmErrorClass.RollbackFailed, "Helm could not read the history to roll back; no rollback happened"),
        Literal("an error occurred while cleaning up resources", HelmErrorClass.RollbackFailed, "--cleanup-on-fail failed, and Helm returns before rolling back"),

        // 2. Helm's automatic recovery succeeded (v3 "atomic", v4 "rollback-on-failure").
        Rx(@"has been rolled back due to (?:atomic|rollback-on-failure) being set", HelmErrorClass.RolledBack, "the upgrade failed and Helm rolled back"),
        Rx(@"has been uninstalled due to (?:atomic|rollback-on-failure) being set", HelmErrorClass.Uninstalled, "the first install failed and Helm uninstalled it"),

        // 3. A pending revision holds the lock.
        Literal("another operation (install/upgrade/rollback) is in progress", HelmErrorClass.Locked, "a pending-* revision holds the release lock"),

        // 4. Chart, values, flags and release state: never fixed by retrying, whatever words they quote.
        Literal("values don't meet the specifications of the schema", HelmErrorClass.Permanent, "values fail the chart's JSON schema"),
        Literal("Use --debug flag to render out invalid YAML", HelmErrorClass.Permanent, "the chart failed to render"),
        Rx(@"executing ""[^""]*"" at <", HelmErrorClass.Permanent, "a template failed to render"),
        Rx(@"execution error at \(", HelmErrorClass.Permanent, "a template called fail or required"),
        Rx(@"(?:^|\s)template: \S+:\d+", HelmErrorClass.Permanent, "a template failed to parse or render"),
        Literal("YAML parse error on", HelmErrorClass.Permanent, "the chart rendered invalid YAML"),
        Literal("error converting YAML to JSON", HelmErrorClass.Permanent, "a values file or rendered manifest is invalid YAML"),
        Literal("unable to build kubernetes objects from new release manifest", HelmErrorClass.Permanent, "the manifest holds objects the cluster does not accept"),
        Literal("current release manifest contains removed kubernetes api", HelmErrorClass.Permanent, "the live release uses API versions the cluster removed"),
        Literal("chart requires kubeVersion", HelmErrorClass.Permanent, "the chart's kubeVersion does not match the cluster"),
        Rx(@"path ""[^""]*"" not found", HelmErrorClass.Permanent, "the chart path does not exist"),
        Literal("non-absolute URLs should be in form of repo_name/path_to_chart", HelmErrorClass.Permanent, "the chart reference is neither a path nor repo/name"),
        Rx(@"repo \S+ not found", HelmErrorClass.Permanent, "the chart repository is not configured"),
        Rx(@"chart ""[^""]*""(?: version ""[^""]*"")? not found", HelmErrorClass.Permanent, "the chart or version is not in the repository"),
        Rx(@"cannot re-?use a name that is still in use", HelmErrorClass.Permanent, "the release name is taken"),
        Rx(@"unable to continue with update|exists and cannot be imported into the current release|invalid ownership metadata", HelmErrorClass.Permanent, "an existing object belongs to another release or to none (--take-ownership adopts it)"),
        Literal("has no deployed releases", HelmErrorClass.Permanent, "upgrade without --install of a release that does not exist"),
        Literal("release: not found", HelmErrorClass.Permanent, "the release does not exist"),
        Rx(@"release has no -?\d+ version", HelmErrorClass.Permanent, "the rollback target revision does not exist"),
        Literal("unknown flag", HelmErrorClass.Permanent, "helm does not know a flag"),
        Literal("unknown shorthand flag", HelmErrorClass.Permanent, "helm does not know a flag"),
        Literal("flag needs an argument", HelmErrorClass.Permanent, "a flag lacks its value"),
        Rx(@"invalid argument ""[^""]*"" for ""[^""]*"" flag", HelmErrorClass.Permanent, "a flag has an invalid value"),
        Rx(@"invalid dry-run (?:flag|value)", HelmErrorClass.Permanent, "--dry-run has an invalid value"),
        Literal("none of the others can be", HelmErrorClass.Permanent, "mutually exclusive flags were combined"),
        Literal("is forbidden", HelmErrorClass.Permanent, "RBAC denies the operation"),
        Literal("the server has asked for the client to provide credentials", HelmErrorClass.Permanent, "the cluster rejected the credentials (401)"),

        // 5. Connectivity checks that run before anything changes: transient even when their cause reads like a deadline.
        Literal("cluster reachability check failed", HelmErrorClass.Transient, "the API server could not be reached (Helm 4 install)"),
        Literal("kubernetes cluster unreachable", HelmErrorClass.Transient, "the API server could not be reached (v3 'Kubernetes', v4 'kubernetes')"),
        Literal("could not get server version", HelmErrorClass.Transient, "discovery of the server version failed"),
        Literal("could not get apiVersions from Kubernetes", HelmErrorClass.Transient, "API discovery failed"),

        // 6. Waits: the resources were applied but did not become ready, or a hook or Job failed.
        Literal("context deadline exceeded", HelmErrorClass.WaitFailed, "the wait ran out of --timeout"),
        Literal("would exceed context deadline", HelmErrorClass.WaitFailed, "the wait ran out of --timeout (client rate limiter)"),
        Rx(@"not ready\. status:", HelmErrorClass.WaitFailed, "a resource did not become ready (Helm 4 watcher)"),
        Literal("timed out waiting for the condition", HelmErrorClass.WaitFailed, "a hook or Job wait timed out"),
        Literal("hooks failed", HelmErrorClass.WaitFailed, "a pre- or post- hook failed"),
        Rx(@"failed (?:pre|post)-(?:install|upgrade|rollback|delete)", HelmErrorClass.WaitFailed, "a pre- or post- hook failed"),
        Rx(@"\bjob (?:is )?failed", HelmErrorClass.WaitFailed, "a Job failed"),

        // 7. Connectivity and API-server overload anywhere else.
        Literal("connection refused", HelmErrorClass.Transient, "the API server refused the connection"),
        Literal("connection reset by peer", HelmErrorClass.Transient, "the connection was reset"),
        Literal("i/o timeout", HelmErrorClass.Transient, "a network read or dial timed out"),
        Literal("TLS handshake timeout", HelmErrorClass.Transient, "the TLS handshake timed out"),
        Literal("no route to host", HelmErrorClass.Transient, "the network has no route to the API server"),
        Literal("http2: client connection lost", HelmErrorClass.Transient, "the HTTP/2 connection dropped"),
        Rx(@"(?:Client\.Timeout exceeded|request canceled while waiting for connection)", HelmErrorClass.Transient, "an HTTP request timed out"),
        Rx(@"\b(?:Get|Head|Post|Put|Patch|Delete) ""https?://[^""\n]*"":[^\n]*\bEOF[ \t]*\r?$", HelmErrorClass.Transient, "the API server closed the connection (EOF)"),
        Literal("the server is currently unable to handle the request", HelmErrorClass.Transient, "the API server is unavailable"),
        Literal("the server has received too many requests", HelmErrorClass.Transient, "the API server is throttling (429)"),
        Literal("Too Many Requests", HelmErrorClass.Transient, "the API server is throttling (429)"),
        Rx(@"\b429\b", HelmErrorClass.Transient, "the API server is throttling (429)"),
        Literal("etcdserver: leader changed", HelmErrorClass.Transient, "etcd elected a new leader"),
        Literal("etcdserver: request timed out", HelmErrorClass.Transient, "etcd timed out"),
        Rx(@"client rate limiter Wait returned an error(?!:\s*context canceled)", HelmErrorClass.Transient, "the client-side rate limiter gave up"),
        Literal("Internal error occurred", HelmErrorClass.Transient, "the API server failed internally (500)"),
        Literal("502 Bad Gateway", HelmErrorClass.Transient, "a proxy in front of the API server failed (502)"),
        Literal("504 Gateway Timeout", HelmErrorClass.Transient, "a proxy in front of the API server timed out (504)"),
        Rx(@"\b503\b|Service Unavailable", HelmErrorClass.Transient, "the API server is unavailable (503)"),
        Literal("release: already exists", HelmErrorClass.Transient, "two writers raced on the same revision"),
    ];

    /// <summary>Classifies helm's stderr; empty or unrecognised text is <see cref="HelmErrorClass.Unknown"/>.</summary>
    public static HelmErrorClass Classify(string? stderr) => Match(stderr)?.Class ?? HelmErrorClass.Unknown;

    /// <summary>
    /// True when any line of <paramref name="stderr"/> names a transient cause, whatever Helm made of it: a rollback that
    /// Helm reports as failed in its clean-up ("an error occurred while cleaning up resources") because the API server was
    /// unavailable for a moment says so only in its warnings. Such a rollback may be run again.
    /// </summary>
    public static bool MentionsTransient(string? stderr) =>
        !string.IsNullOrEmpty(stderr) && Rules.Where(r => r.Class == HelmErrorClass.Transient).Any(r => Matches(r.Pattern, stderr));

    private static bool Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // a pathological text must not hang the deploy
        }
    }

    /// <summary>True when the error is worth retrying (<see cref="HelmErrorClass.Transient"/>).</summary>
    public static bool IsTransient(string? stderr) => Classify(stderr) == HelmErrorClass.Transient;

    /// <summary>The first table row matching <paramref name="stderr"/>, or null.</summary>
    public static HelmErrorRule? Match(string? stderr)
    {
        if (string.IsNullOrWhiteSpace(stderr))
        {
            return null;
        }

        foreach (var rule in Rules)
        {
            try
            {
                if (rule.Pattern.IsMatch(stderr))
                {
                    return rule;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological text must not hang the deploy; treat the row as not matching.
            }
        }

        return null;
    }

    private static HelmErrorRule Literal(string text, HelmErrorClass errorClass, string description) =>
        Rx(Regex.Escape(text), errorClass, description);

    private static HelmErrorRule Rx(string pattern, HelmErrorClass errorClass, string description) =>
        new(
            new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline, MatchTimeout),
            errorClass,
            description);

    /// <summary>
    /// The cause of a failed upgrade or install in one line: the first line of helm's error text without the sentences
    /// Helm wraps it in, which an outcome already says (<c>UPGRADE FAILED: release web failed, and has been rolled back
    /// due to atomic being set: …</c>). Null when nothing is left.
    /// </summary>
    /// <param name="errorText">Helm's error (<see cref="HelmProcessResult.ErrorText"/>), already masked.</param>
    public static string? Cause(string errorText)
    {
        ArgumentNullException.ThrowIfNull(errorText);
        var first = TextFormat.FirstLine(Wrapping().Replace(errorText, "")).Trim();
        return first.Length == 0 ? null : first;
    }

    // "UPGRADE FAILED: release web failed, and has been rolled back due to atomic being set: <cause>", Helm 3 and 4.
    [GeneratedRegex(
        @"^(?:(?:UPGRADE|INSTALLATION) FAILED: )?(?:release \S+ failed, and has been (?:rolled back|uninstalled) due to (?:atomic|rollback-on-failure) being set: |an error occurred while (?:rolling back|uninstalling) the release\. original (?:upgrade|install) error: )?",
        RegexOptions.IgnoreCase)]
    private static partial Regex Wrapping();
}
