using HelmSentinel.Deploy;
using HelmSentinel.Kubernetes;

namespace HelmSentinel.Tests.Deploy;

public class MigrationGuardTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly MigrationHookRun Completed = new("Job/db-migrate", ["pre-upgrade"])
    {
        Started = Start.AddSeconds(4), Ended = Start.AddSeconds(12), Completed = true, ExitCode = 0,
    };

    [Fact]
    public void Explain_Rollback_SaysTheSchemaStays_AndThatNoDownMigrationRuns()
    {
        MigrationGuard.Explain(Completed, Start, target: 1, targetPreRollback: [], chartPreRollback: [], stop: false, attempted: 2)
            .Should().Be("migration hook `Job/db-migrate` completed at +12s; rolling back restores revision 1's code, not the schema; " +
                         "revision 1 has no pre-rollback hook (no down migration runs); the chart being deployed declares no pre-rollback hook");
    }

    [Fact]
    public void Explain_NamesThePreRollbackHooks_AndWhichRevisionsRunOnARollback()
    {
        MigrationGuard.Explain(Completed, Start, 3, ["Job/db-down"], ["Job/db-down-v2"], stop: false, attempted: 4)
            .Should().Be("migration hook `Job/db-migrate` completed at +12s; rolling back restores revision 3's code, not the schema; " +
                         "revision 3 has the pre-rollback hook `Job/db-down`, which a rollback to it runs; " +
                         "the chart being deployed declares the pre-rollback hook `Job/db-down-v2`, but a rollback runs revision 3's hooks, not its");
    }

    [Fact]
    public void Explain_Stop_SaysTheFailedRevisionIsLeftForARollForward()
    {
        MigrationGuard.Explain(Completed, Start, 1, null, null, stop: true, attempted: 2)
            .Should().Be("migration hook `Job/db-migrate` completed at +12s; on-failure-after-migration is stop: revision 2 is left as it failed, " +
                         "for a roll-forward fix (rolling back would restore revision 1's code, not the schema); " +
                         "whether revision 1 has a pre-rollback hook is unknown (its hooks could not be read); " +
                         "whether the chart being deployed declares a pre-rollback hook is unknown");
    }

    [Fact]
    public void Explain_AFirstInstall_HasNoTargetRevision()
    {
        MigrationGuard.Explain(Completed with { Ended = null }, Start, null, null, [], stop: false, attempted: 1)
            .Should().Be("migration hook `Job/db-migrate` completed; rolling back restores the release's removal, not the schema; the chart being deployed declares no pre-rollback hook");
    }

    [Fact]
    public void PreRollbackHooks_AreTheJobsAndPodsOnPreRollback()
    {
        HookResource[] hooks =
        [
            new("batch/v1", "Job", "down", null, ["pre-rollback"], [], 0, null),
            new("v1", "Pod", "both", null, ["pre-upgrade", "pre-rollback"], [], 0, null),
            new("v1", "ConfigMap", "settings", null, ["pre-rollback"], [], 0, null),
            new("batch/v1", "Job", "after", null, ["post-rollback"], [], 0, null),
        ];

        MigrationGuard.PreRollbackHooks(hooks).Should().Equal("Job/down", "Pod/both");
    }

    [Theory]
    [InlineData(MigrationGuard.Stop, true)]
    [InlineData(MigrationGuard.Rollback, false)]
    public void KeepsHelmFromRollingBack_OnlyWithStop_AndAMigrationToComeOrNoPlanToTell(string policy, bool expected)
    {
        var request = new DeployRequest { Release = "shop", Chart = "./shop", OnFailureAfterMigration = policy };
        var withMigration = Plan([new("batch/v1", "Job", "shop-migrate", null, ["pre-upgrade"], [], 0, null)]);

        MigrationGuard.KeepsHelmFromRollingBack(request, withMigration).Should().Be(expected);
        MigrationGuard.KeepsHelmFromRollingBack(request, null).Should().Be(expected, "without a plan nothing says there is no migration");
        MigrationGuard.KeepsHelmFromRollingBack(request, Plan([new("batch/v1", "Job", "shop-seed", null, ["pre-upgrade"], [], 0, null)])).Should().BeFalse();
        MigrationGuard.KeepsHelmFromRollingBack(request with { MigrationHooks = ["none"] }, withMigration).Should().BeFalse();
    }

    [Theory]
    [InlineData("rollback", new string[0], null)]
    [InlineData("stop", new[] { "shop-migrate", "db.schema-1" }, null)]
    [InlineData("stop", new[] { "none" }, null)]
    [InlineData("abort", new string[0], "on-failure-after-migration 'abort' is not a policy; expected rollback (the default) or stop.")]
    [InlineData("", new string[0], "on-failure-after-migration is empty; expected rollback (the default) or stop.")]
    [InlineData("rollback", new[] { "none", "shop-migrate" }, "migration-hooks names hooks and also none; give none alone to turn detection off, or only hook names.")]
    [InlineData("rollback", new[] { "Job/shop-migrate" }, "migration-hooks 'Job/shop-migrate' is not a hook name; expected the metadata.name of a Job or Pod hook, such as web-migrate, or none.")]
    public void Validate_ChecksBothInputs_NamingThem(string policy, string[] hooks, string? error)
    {
        var errors = DeployRequestValidator.Validate(new DeployRequest
        {
            Release = "shop", Chart = "oci://registry.example/charts/shop", OnFailureAfterMigration = policy, MigrationHooks = hooks,
        });

        if (error is null)
        {
            errors.Should().BeEmpty();
        }
        else
        {
            errors.Should().ContainSingle().Which.Message.Should().Be(error);
        }
    }

    [Fact]
    public void Inputs_AreParsedFromLinesAndCommas()
    {
        var (request, errors) = DeployInputs.Parse(new Dictionary<string, IReadOnlyList<string>>
        {
            ["release"] = ["shop"], ["chart"] = ["./shop"],
            ["migration-hooks"] = ["shop-migrate, shop-schema\nshop-seed\n"],
            ["on-failure-after-migration"] = [" stop "],
        });

        errors.Should().BeEmpty();
        request!.MigrationHooks.Should().Equal("shop-migrate", "shop-schema", "shop-seed");
        request.OnFailureAfterMigration.Should().Be("stop");
    }

    private static DeployPlan Plan(IReadOnlyList<HookResource> hooks) =>
        new() { Release = "shop", Namespace = "default", Chart = "./shop", Result = PlanResult.Planned, ProposedHooks = hooks };
}
