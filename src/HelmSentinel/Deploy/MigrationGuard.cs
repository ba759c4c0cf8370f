using HelmSentinel.Kubernetes;
using HelmSentinel.Text;

namespace HelmSentinel.Deploy;

/// <summary>
/// The migration guard's decisions and wording (pure). A rollback restores Helm's manifests, not a database schema a
/// migration hook changed: when a deploy fails after one completed, the outcome says so first, and with
/// <c>on-failure-after-migration: stop</c> the failed release is left as it is for a roll-forward fix.
/// </summary>
public static class MigrationGuard
{
    /// <summary>Roll back after a failure, with the warning (the default).</summary>
    public const string Rollback = "rollback";

    /// <summary>Leave the failed release as it is after a failure that followed a completed migration (exit 2).</summary>
    public const string Stop = "stop";

    /// <summary>
    /// True when the upgrade must run without Helm's own rollback (<c>--atomic</c> / <c>--rollback-on-failure</c>), so that
    /// helm, when it fails or is interrupted by fail-fast, leaves the failed revision in place and the engine decides: the
    /// policy is <c>stop</c>, detection is on, and the chart may run a migration hook (the preflight's rendered hooks hold
    /// one, or there was no preflight to tell). The engine then rolls back explicitly when no migration hook completed.
    /// </summary>
    /// <param name="request">The deploy.</param>
    /// <param name="plan">The preflight's plan, when it was made.</param>
    public static bool KeepsHelmFromRollingBack(DeployRequest request, DeployPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(request);
        var selection = MigrationHookSelection.From(request.MigrationHooks);
        if (request.OnFailureAfterMigration != Stop || selection.Disabled)
        {
            return false;
        }

        return MayRunMigrations(request, plan?.ProposedHooks);
    }

    /// <summary>True when detection is on and <paramref name="hooks"/> (the revision's rendered hooks, when known) hold a
    /// migration hook, or are not known: only then is the release record worth reading for one that completed.</summary>
    /// <param name="request">The deploy.</param>
    /// <param name="hooks">The hooks of the revision being deployed; null when unknown.</param>
    public static bool MayRunMigrations(DeployRequest request, IReadOnlyList<HookResource>? hooks)
    {
        ArgumentNullException.ThrowIfNull(request);
        var selection = MigrationHookSelection.From(request.MigrationHooks);
        return !selection.Disabled && (hooks is null || MigrationHooks.Of(hooks, selection).Count > 0);
    }

    /// <summary>
    /// The first line of the failure reason when the deploy failed after <paramref name="migration"/> completed, e.g.
    /// <c>migration hook `Job/web-migrate` completed at +12s; rolling back restores revision 1's code, not the schema;
    /// revision 1 has no pre-rollback hook (no down migration runs); the chart being deployed declares none</c>.
    /// </summary>
    /// <param name="migration">The migration hook that completed.</param>
    /// <param name="deployStarted">When the deploy started (the report's +0).</param>
    /// <param name="target">The last good revision a rollback returns to; null for a first install (removed, not rolled back).</param>
    /// <param name="targetPreRollback">The target revision's <c>pre-rollback</c> Job/Pod hooks (what a rollback to it runs);
    /// null when they could not be read.</param>
    /// <param name="chartPreRollback">The <c>pre-rollback</c> Job/Pod hooks of the chart being deployed; null when unknown.</param>
    /// <param name="stop">True for <c>on-failure-after-migration: stop</c>.</param>
    /// <param name="attempted">The revision the deploy created.</param>
    public static string Explain(
        MigrationHookRun migration, DateTimeOffset deployStarted, int? target, IReadOnlyList<string>? targetPreRollback,
        IReadOnlyList<string>? chartPreRollback, bool stop, int? attempted)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var at = migration.Ended is { } ended ? $" at +{GoDuration.FormatCompact(ended < deployStarted ? TimeSpan.Zero : ended - deployStarted)}" : string.Empty;
        var code = target is { } t ? $"revision {TextFormat.Number(t)}'s code" : "the release's removal";
        var parts = new List<string>
        {
            stop
                ? $"migration hook `{migration.Hook}` completed{at}; on-failure-after-migration is stop: revision {Revision(attempted)} is left as it failed, for a roll-forward fix (rolling back would restore {code}, not the schema)"
                : $"migration hook `{migration.Hook}` completed{at}; rolling back restores {code}, not the schema",
        };
        if (target is { } revision)
        {
            parts.Add(targetPreRollback switch
            {
                null => $"whether revision {TextFormat.Number(revision)} has a pre-rollback hook is unknown (its hooks could not be read)",
                [] => $"revision {TextFormat.Number(revision)} has no pre-rollback hook (no down migration runs)",
                _ => $"revision {TextFormat.Number(revision)} has the pre-rollback hook {Names(targetPreRollback)}, which a rollback to it runs",
            });
        }

        parts.Add(chartPreRollback switch
        {
            null => "whether the chart being deployed declares a pre-rollback hook is unknown",
            [] => "the chart being deployed declares no pre-rollback hook",
            _ => $"the chart being deployed declares the pre-rollback hook {Names(chartPreRollback)}" +
                 (target is { } r ? $", but a rollback runs revision {TextFormat.Number(r)}'s hooks, not its" : string.Empty),
        });
        return string.Join("; ", parts);
    }

    /// <summary>The <c>pre-rollback</c> Job and Pod hooks of <paramref name="hooks"/>, as <c>Kind/name</c>.</summary>
    public static IReadOnlyList<string> PreRollbackHooks(IEnumerable<HookResource> hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        return [.. hooks.Where(h => h.IsJobOrPod && h.Events.Contains("pre-rollback")).Select(h => h.Reference)];
    }

    /// <summary>Checks <c>migration-hooks</c> and <c>on-failure-after-migration</c>.</summary>
    internal static void Check(DeployRequest request, Action<string, string> add, Func<string?, string> q)
    {
        if (request.OnFailureAfterMigration is not (Rollback or Stop))
        {
            add(DeployInputNames.OnFailureAfterMigration, string.IsNullOrEmpty(request.OnFailureAfterMigration)
                ? "on-failure-after-migration is empty; expected rollback (the default) or stop."
                : $"on-failure-after-migration {q(request.OnFailureAfterMigration)} is not a policy; expected rollback (the default) or stop.");
        }

        var names = request.MigrationHooks.Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        if (names.Count > 1 && names.Any(n => string.Equals(n, MigrationHooks.None, StringComparison.OrdinalIgnoreCase)))
        {
            add(DeployInputNames.MigrationHooks,
                "migration-hooks names hooks and also none; give none alone to turn detection off, or only hook names.");
            return;
        }

        foreach (var name in names.Where(n => !IsObjectName(n)))
        {
            add(DeployInputNames.MigrationHooks,
                $"migration-hooks {q(name)} is not a hook name; expected the metadata.name of a Job or Pod hook, such as web-migrate, or none.");
        }
    }

    // A DNS-1123 subdomain, which Jobs and Pods are named by.
    private static bool IsObjectName(string name) =>
        name.Length is > 0 and <= 253 &&
        name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.') &&
        char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    private static string Names(IReadOnlyList<string> hooks) => string.Join(", ", hooks.Select(h => $"`{h}`"));

    private static string Revision(int? revision) => revision is { } r ? TextFormat.Number(r) : "(new)";
}
