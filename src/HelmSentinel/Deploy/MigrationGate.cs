using HelmSentinel.Migrations;
using HelmSentinel.Plan;

namespace HelmSentinel.Deploy;

/// <summary>
/// The destructive-migration lint as deploy and plan run it: the request's <c>migrations</c> linted before anything
/// changes (<see cref="MigrationLint"/>); a base Git does not know is bad input; under <c>block</c> any finding refuses.
/// </summary>
public static class MigrationGate
{
    /// <summary>The lint of the request's migrations; null result when it has none. A base that cannot be compared with
    /// (unknown to Git, no work tree, no git) is an <see cref="InputError"/> of <c>migrations-base</c> instead.</summary>
    public static async Task<(MigrationLintResult? Result, InputError? Error)> LintAsync(DeployRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Migrations.Count == 0)
        {
            return (null, null);
        }

        try
        {
            var folder = request.MigrationsFolder ?? Directory.GetCurrentDirectory();
            return (await MigrationLint.RunAsync(folder, request.Migrations, request.MigrationsDialect, request.MigrationsBase, cancellationToken), null);
        }
        catch (MigrationLintException e)
        {
            return (null, new InputError(DeployInputNames.MigrationsBase, e.Message));
        }
    }

    /// <summary>The findings as preflight findings (check <see cref="Check"/>): blocking under <c>block</c>, warnings otherwise.</summary>
    public static IReadOnlyList<Finding> Findings(MigrationLintResult result, DestructiveMigrationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        var severity = policy is DestructiveMigrationPolicy.Block ? FindingSeverity.Blocking : FindingSeverity.Warning;
        return [.. result.Findings.Select(f => new Finding(severity, Check, null, f.ToString(), f.Advice))];
    }

    /// <summary>The check name of a destructive migration among a plan's findings.</summary>
    public const string Check = "destructive-migration";

    /// <summary>Why a deploy under <c>block</c> is refused: <c>destructive-migrations is block: 2 destructive statements
    /// (db/m/002.sql:3 DROP COLUMN, db/m/003.sql:1 RENAME)</c>.</summary>
    public static string Refusal(MigrationLintResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var n = result.Findings.Count;
        return $"destructive-migrations is block and the migrations hold {n} destructive statement{(n == 1 ? "" : "s")} " +
               $"({string.Join(", ", result.Findings.Select(f => f.Location + " " + f.KindName))}); nothing was changed";
    }

    /// <summary>The plan with the lint's findings among its own (blocking first), blocked when one of them blocks.</summary>
    internal static DeployPlan AddTo(DeployPlan plan, MigrationLintResult? result, DestructiveMigrationPolicy policy, SecretMasker masker)
    {
        if (result is null || (result.Findings.Count == 0 && result.Problems.Count == 0))
        {
            return plan;
        }

        var added = Findings(result, policy).Select(f => f with { Message = masker.Mask(f.Message) });
        var findings = plan.Findings.Concat(added).OrderBy(f => f.Severity is FindingSeverity.Blocking ? 0 : 1).ToList();
        var blocked = plan.Result is PlanResult.Planned && findings.Any(f => f.Severity is FindingSeverity.Blocking);
        return plan with
        {
            Findings = findings,
            Result = blocked ? PlanResult.Blocked : plan.Result,
            Notes = [.. plan.Notes, .. result.Problems.Select(masker.Mask)],
        };
    }
}
