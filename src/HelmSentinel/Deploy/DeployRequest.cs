using HelmSentinel.Helm;
using HelmSentinel.Migrations;

namespace HelmSentinel.Deploy;

/// <summary>
/// One guarded deploy, as the entry points hand it to the core. Immutable; parsed once from the
/// platform's inputs and checked by <see cref="DeployRequestValidator"/> before anything runs.
/// </summary>
public sealed record DeployRequest
{
    /// <summary>Helm release name (DNS-1123 label, at most 53 characters).</summary>
    public required string Release { get; init; }

    /// <summary>Chart reference: a local folder, a packaged <c>.tgz</c>, <c>repo/name</c> or <c>oci://…</c>. Required for a
    /// deploy; a rollback (<see cref="Rollback"/>) has none.</summary>
    public string Chart { get; init; } = string.Empty;

    /// <summary>Namespace of the release (and of its storage).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Values files, in order; the last one wins (<c>-f</c>).</summary>
    public IReadOnlyList<string> ValuesFiles { get; init; } = [];

    /// <summary><c>key=value</c> pairs for <c>--set</c>.</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary><c>key=value</c> pairs for <c>--set-string</c>.</summary>
    public IReadOnlyList<string> SetString { get; init; } = [];

    /// <summary><c>key=path</c> pairs for <c>--set-file</c>.</summary>
    public IReadOnlyList<string> SetFile { get; init; } = [];

    /// <summary>Chart version constraint (<c>--version</c>); only for repository and OCI charts.</summary>
    public string? ChartVersion { get; init; }

    /// <summary>Time Helm may spend on the upgrade and its wait (<c>--timeout</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time the explicit rollback to the last good revision may take; defaults to <see cref="Timeout"/>.</summary>
    public TimeSpan? RollbackTimeout { get; init; }

    /// <summary>Revisions kept by Helm (<c>--history-max</c>); at least 2 so the last good one survives.</summary>
    public int HistoryMax { get; init; } = 10;

    /// <summary>Helm 4 wait strategy: <c>watcher</c> (default) or <c>legacy</c>. Helm 3 always uses its own poller.</summary>
    public string WaitStrategy { get; init; } = "watcher";

    /// <summary>Also wait for Jobs to complete (<c>--wait-for-jobs</c>).</summary>
    public bool WaitForJobs { get; init; }

    /// <summary>Create the namespace when it is missing (<c>--create-namespace</c>).</summary>
    public bool CreateNamespace { get; init; }

    /// <summary>Replace resources that cannot be patched (Helm 3 <c>--force</c>, Helm 4 <c>--force-replace</c>).</summary>
    public bool Force { get; init; }

    /// <summary>Reuse the last release's values and merge the new ones (<c>--reuse-values</c>).</summary>
    public bool ReuseValues { get; init; }

    /// <summary>Reset values to the chart's defaults (<c>--reset-values</c>).</summary>
    public bool ResetValues { get; init; }

    /// <summary>Clear a pending lock left by a killed run before upgrading, when it is provably stale.</summary>
    public bool RecoverStaleLock { get; init; } = true;

    /// <summary>How much older than <see cref="Timeout"/> a pending lock must be to count as stale.</summary>
    public TimeSpan StaleLockMargin { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Kubeconfig context to use (<c>--kube-context</c>).</summary>
    public string? KubeContext { get; init; }

    /// <summary>Path of the kubeconfig file (<c>--kubeconfig</c>); null = Helm's default resolution.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The helm binary to run: a path or a name found on PATH.</summary>
    public string HelmPath { get; init; } = "helm";

    /// <summary>Description recorded on the revision (<c>--description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>Further helm flags; flags the engine owns (atomic, wait, timeout, …) are rejected.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>Watch the rollout beside helm and stop early on a fatal pod state (CrashLoopBackOff,
    /// ImagePullBackOff, OOMKilled, Unschedulable, …). Off: exactly Helm's own behaviour.</summary>
    public bool FailFast { get; init; } = true;

    /// <summary>Restarts after which a crash-looping (or OOM-killed) container counts as fatal.</summary>
    public int RestartThreshold { get; init; } = 2;

    /// <summary>How long a pod may stay Unschedulable before that counts as fatal.</summary>
    public TimeSpan UnschedulableGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a rollback, delete the StatefulSet pods that still run the failed revision and that their controller
    /// will not replace (Kubernetes' "forced rollback"), and replace pods left stuck by an earlier failure before upgrading.
    /// Off: such pods are named in the report with the command to delete them.</summary>
    public bool ForceRollbackPods { get; init; } = true;

    /// <summary>Before any change, make the upgrade's plan and run its preflight checks (<see cref="PlanEngine"/>): a
    /// blocking finding (an immutable field, an object owned by someone else, a missing ConfigMap or Secret, an API version
    /// the cluster does not serve, a release record over 1 MiB) refuses the deploy; warnings go into the report.</summary>
    public bool Preflight { get; init; } = true;

    /// <summary>Globs of SQL migration files, relative to the working folder (<c>db/migrations/*.sql</c>, <c>**</c> for any
    /// depth): before any change, their destructive statements (<see cref="MigrationLint"/>) become findings. Empty: no lint.</summary>
    public IReadOnlyList<string> Migrations { get; init; } = [];

    /// <summary>The dialect the <see cref="Migrations"/> are written in.</summary>
    public SqlDialect MigrationsDialect { get; init; } = SqlDialect.PostgreSql;

    /// <summary>What a destructive migration does: a warning in the report, or a refused deploy (exit 3).</summary>
    public DestructiveMigrationPolicy DestructiveMigrations { get; init; } = DestructiveMigrationPolicy.Warn;

    /// <summary>The revision a pull request is based on; when set, only the <see cref="Migrations"/> added or changed since it
    /// (<c>git diff --name-only BASE...HEAD</c>) are linted. Null: every matched file.</summary>
    public string? MigrationsBase { get; init; }

    /// <summary>The folder the <see cref="Migrations"/> globs are relative to (the repository's root); null: the working
    /// folder, where every entry point runs. Not an input.</summary>
    public string? MigrationsFolder { get; init; }

    /// <summary>The hooks that are database migrations (input <c>migration-hooks</c>, CLI <c>--migration-hook NAME</c>):
    /// empty = the heuristic of <see cref="Kubernetes.MigrationHooks"/>, the single name <c>none</c> = no detection,
    /// otherwise exactly the Job and Pod hooks of these names.</summary>
    public IReadOnlyList<string> MigrationHooks { get; init; } = [];

    /// <summary>What a deploy that fails after a migration hook completed does (<see cref="MigrationGuard"/>):
    /// <c>rollback</c> (default: roll back, with the warning that the schema stays) or <c>stop</c> (leave the failed
    /// release as it is for a roll-forward fix: rollback-failed, exit 2).</summary>
    public string OnFailureAfterMigration { get; init; } = MigrationGuard.Rollback;

    /// <summary>A verify document (YAML: bake, interval, checks) to prove the upgrade healthy after Ready; a check that
    /// fails rolls it back. Null: Ready is enough, as for Helm.</summary>
    public string? VerifyFile { get; init; }

    /// <summary>After a rollback, run the verify document's checks again for a bake, against the restored revision (with the
    /// baselines taken before the upgrade); when they fail, the deploy ends <c>rollback-failed</c>: the last good revision is
    /// back but not healthy. Needs <see cref="VerifyFile"/>.</summary>
    public bool VerifyRollback { get; init; }

    /// <summary>Set for a rollback by hand (<see cref="DeployEngine.RollbackAsync(DeployRequest, DeployOptions?, CancellationToken)"/>):
    /// the revision to return to. Null for a deploy.</summary>
    public RollbackTarget? Rollback { get; init; }

    /// <summary>Values that must never be printed (masked in logs and reports). The entry points put here the declared
    /// secrets and the values of <see cref="Set"/> and <see cref="SetString"/> under keys that look secret
    /// (<see cref="DeployInputs.SecretsOf"/>).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>Every value this deploy masks: <see cref="Secrets"/>, and the values of <see cref="Set"/> and
    /// <see cref="SetString"/> under keys that look secret (<see cref="DeployInputs.UndeclaredSecrets"/>), also when the
    /// request was built without them in <see cref="Secrets"/>.</summary>
    public IReadOnlyList<string> MaskedValues =>
        [.. Secrets.Concat(DeployInputs.UndeclaredSecrets(Set.Concat(SetString))).Concat(VerifyInput.Of(this).Secrets).Distinct(StringComparer.Ordinal)];

    /// <summary>The rollback timeout in force: <see cref="RollbackTimeout"/> or else <see cref="Timeout"/>.</summary>
    public TimeSpan EffectiveRollbackTimeout => RollbackTimeout ?? Timeout;

    /// <summary>The release and cluster every helm command of this deploy works on.</summary>
    public HelmTarget Target => new(Release, Namespace, KubeContext, Kubeconfig);

    /// <summary>The upgrade in helm's terms, for <see cref="HelmArguments"/>.</summary>
    public HelmUpgrade ToHelmUpgrade() => new()
    {
        Target = Target,
        Chart = Chart,
        ValuesFiles = ValuesFiles,
        Set = Set,
        SetString = SetString,
        SetFile = SetFile,
        ChartVersion = ChartVersion,
        Timeout = Timeout,
        HistoryMax = HistoryMax,
        WaitStrategy = WaitStrategy,
        WaitForJobs = WaitForJobs,
        CreateNamespace = CreateNamespace,
        Force = Force,
        ReuseValues = ReuseValues,
        ResetValues = ResetValues,
        Description = Description,
        ExtraArgs = ExtraArgs,
    };
}
