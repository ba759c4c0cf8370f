namespace HelmSentinel.Deploy;

/// <summary>
/// The name of every deploy input, as users write it: the CLI's option (<c>--timeout</c>), the action's input and
/// the <see cref="InputError.Input"/> of a problem with it. The Azure task maps its own camelCase names onto these.
/// </summary>
public static class DeployInputNames
{
    /// <summary>The Helm release name.</summary>
    public const string Release = "release";

    /// <summary>The chart reference.</summary>
    public const string Chart = "chart";

    /// <summary>The release namespace.</summary>
    public const string Namespace = "namespace";

    /// <summary>Values files.</summary>
    public const string Values = "values";

    /// <summary><c>--set</c> pairs.</summary>
    public const string Set = "set";

    /// <summary><c>--set-string</c> pairs.</summary>
    public const string SetString = "set-string";

    /// <summary><c>--set-file</c> pairs.</summary>
    public const string SetFile = "set-file";

    /// <summary>The chart version.</summary>
    public const string Version = "version";

    /// <summary>The upgrade timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The explicit rollback's timeout.</summary>
    public const string RollbackTimeout = "rollback-timeout";

    /// <summary>Revisions kept.</summary>
    public const string HistoryMax = "history-max";

    /// <summary>Helm 4's wait strategy.</summary>
    public const string Wait = "wait";

    /// <summary>Also wait for Jobs.</summary>
    public const string WaitForJobs = "wait-for-jobs";

    /// <summary>Create the namespace when missing.</summary>
    public const string CreateNamespace = "create-namespace";

    /// <summary>Replace what cannot be patched.</summary>
    public const string Force = "force";

    /// <summary>Reuse the last release's values.</summary>
    public const string ReuseValues = "reuse-values";

    /// <summary>Reset values to the chart's defaults.</summary>
    public const string ResetValues = "reset-values";

    /// <summary>Clear a provably stale lock first.</summary>
    public const string RecoverStaleLock = "recover-stale-lock";

    /// <summary>How much older than the timeout a stale lock is.</summary>
    public const string StaleLockMargin = "stale-lock-margin";

    /// <summary>The kubeconfig context.</summary>
    public const string KubeContext = "kube-context";

    /// <summary>The kubeconfig file.</summary>
    public const string Kubeconfig = "kubeconfig";

    /// <summary>The helm binary.</summary>
    public const string Helm = "helm";

    /// <summary>The revision's description.</summary>
    public const string Description = "description";

    /// <summary>Further helm flags.</summary>
    public const string ExtraArgs = "extra-args";

    /// <summary>Values to mask everywhere.</summary>
    public const string Secrets = "secrets";

    /// <summary>Watch the rollout and stop early on a fatal state.</summary>
    public const string FailFast = "fail-fast";

    /// <summary>Restarts after which a crash loop is fatal.</summary>
    public const string RestartThreshold = "restart-threshold";

    /// <summary>How long a pod may stay Unschedulable.</summary>
    public const string UnschedulableGrace = "unschedulable-grace";

    /// <summary>Delete the StatefulSet pods a rollback leaves on the failed revision.</summary>
    public const string ForceRollbackPods = "force-rollback-pods";

    /// <summary>The verify document's file (the CLI's <c>--verify FILE</c>). The action and the task take the document as
    /// text, write it to a private file and pass that file's path here, as they do for the kubeconfig.</summary>
    public const string Verify = "verify";

    /// <summary>Run the verify document's checks again after a rollback, against the restored revision.</summary>
    public const string VerifyRollback = "verify-rollback";

    /// <summary>Make the upgrade's plan and run its preflight checks first; a blocking finding refuses the deploy.</summary>
    public const string Preflight = "preflight";

    /// <summary>The revision a rollback by hand returns to (empty: the last good one).</summary>
    public const string Revision = "revision";

    /// <summary>Let a rollback by hand return to a revision whose status is failed.</summary>
    public const string AllowFailedTarget = "allow-failed-target";

    /// <summary>Globs of the SQL migration files to lint for destructive statements (<c>db/migrations/*.sql</c>).</summary>
    public const string Migrations = "migrations";

    /// <summary>The migrations' SQL dialect: <c>postgresql</c>, <c>mysql</c> or <c>sqlserver</c>.</summary>
    public const string MigrationsDialect = "migrations-dialect";

    /// <summary>What a destructive migration does to the deploy: <c>warn</c> or <c>block</c>.</summary>
    public const string DestructiveMigrations = "destructive-migrations";

    /// <summary>The revision a pull request is based on: only migrations added or changed since it are linted.</summary>
    public const string MigrationsBase = "migrations-base";

    /// <summary>The hooks that are database migrations (<c>none</c>: no detection).</summary>
    public const string MigrationHooks = "migration-hooks";

    /// <summary>Roll back or stop when a deploy fails after a migration hook completed.</summary>
    public const string OnFailureAfterMigration = "on-failure-after-migration";

    /// <summary>Every input name, in the order the README lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Release, Chart, Namespace, Values, Set, SetString, SetFile, Version, Timeout, RollbackTimeout, HistoryMax, Wait,
        WaitForJobs, CreateNamespace, Force, ReuseValues, ResetValues, RecoverStaleLock, StaleLockMargin, KubeContext,
        Kubeconfig, Helm, Description, ExtraArgs, Secrets, FailFast, RestartThreshold, UnschedulableGrace, ForceRollbackPods,
        Verify, VerifyRollback, Preflight, Revision, AllowFailedTarget, Migrations, MigrationsDialect, DestructiveMigrations, MigrationsBase, MigrationHooks, OnFailureAfterMigration,
    ];

    /// <summary>The helm flag each owned flag corresponds to, when an input sets it (<c>--force-replace</c> → <c>force</c>).</summary>
    public static IReadOnlyDictionary<string, string> ByHelmFlag { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wait"] = Wait,
        ["wait-for-jobs"] = WaitForJobs,
        ["timeout"] = Timeout,
        ["history-max"] = HistoryMax,
        ["namespace"] = Namespace,
        ["kube-context"] = KubeContext,
        ["kubeconfig"] = Kubeconfig,
        ["create-namespace"] = CreateNamespace,
        ["version"] = Version,
        ["values"] = Values,
        ["set"] = Set,
        ["set-string"] = SetString,
        ["set-file"] = SetFile,
        ["description"] = Description,
        ["force"] = Force,
        ["force-replace"] = Force,
        ["reuse-values"] = ReuseValues,
        ["reset-values"] = ResetValues,
    };
}
