using HelmSentinel.Kubernetes;

namespace HelmSentinel.Tests.Kubernetes;

public class MigrationHooksTests
{
    [Theory]
    // By name.
    [InlineData("Job", "shop-migrate", "pre-upgrade", "", "", true)]
    [InlineData("Job", "db-migration", "pre-install,pre-upgrade", "", "", true)]
    [InlineData("Pod", "Flyway-Runner", "pre-upgrade", "", "", true)]
    [InlineData("Job", "liquibase", "pre-install", "", "", true)]
    [InlineData("Job", "alembic-upgrade", "pre-upgrade", "", "", true)]
    // By a label key or value.
    [InlineData("Job", "shop-prepare", "pre-upgrade", "app.kubernetes.io/component=migration", "", true)]
    [InlineData("Job", "shop-prepare", "pre-upgrade", "example.com/migrate=true", "", true)]
    // By the command and arguments.
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "dotnet ef database update --connection $(DB)", true)]
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "dotnet  ef   database update", true)]
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "bundle exec rails db:migrate", true)]
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "flyway -url=jdbc:postgresql://db/shop migrate", true)]
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "python manage.py migrate", true)]
    // Not a migration.
    [InlineData("Job", "shop-seed", "pre-upgrade", "app=shop", "python seed.py", false)]
    [InlineData("Job", "shop-migrate", "post-upgrade", "", "", false)] // runs after the new code
    [InlineData("Job", "shop-migrate", "pre-rollback", "", "", false)]
    [InlineData("Job", "shop-migrate", "test", "", "", false)]
    [InlineData("ConfigMap", "shop-migrate-settings", "pre-upgrade", "", "", false)] // runs nothing
    [InlineData("Job", "shop-prepare", "pre-upgrade", "", "ef database drop", false)]
    public void TheHeuristic_ReadsTheNameLabelsAndCommand_OfPreHooksThatRun(string kind, string name, string events, string label, string command, bool migration)
    {
        MigrationHooks.IsMigration(Hook(kind, name, events, label, command), MigrationHookSelection.Heuristic).Should().Be(migration);
    }

    [Fact]
    public void NamedHooks_ReplaceTheHeuristic_WhateverTheirEvents()
    {
        var selection = MigrationHookSelection.From(["shop-schema", " "]);

        MigrationHooks.IsMigration(Hook("Job", "shop-schema", "post-install", "", "./apply.sh"), selection).Should().BeTrue();
        MigrationHooks.IsMigration(Hook("Job", "shop-migrate", "pre-upgrade", "", ""), selection).Should().BeFalse("naming hooks replaces the heuristic");
        MigrationHooks.IsMigration(Hook("ConfigMap", "shop-schema", "pre-upgrade", "", ""), selection).Should().BeFalse("only Jobs and Pods run");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    public void None_TurnsDetectionOff(string none)
    {
        var selection = MigrationHookSelection.From([none]);

        selection.Should().Be(MigrationHookSelection.Off);
        MigrationHooks.IsMigration(Hook("Job", "shop-migrate", "pre-upgrade", "", "rails db:migrate"), selection).Should().BeFalse();
    }

    [Fact]
    public void NoNames_IsTheHeuristic()
    {
        MigrationHookSelection.From([]).Should().Be(MigrationHookSelection.Heuristic);
        MigrationHookSelection.From(["", "  "]).Should().Be(MigrationHookSelection.Heuristic);
    }

    [Fact]
    public void HookManifest_ReadsTheLabelsAndCommands_TheHeuristicLooksAt()
    {
        const string yaml = """
            ---
            # Source: shop/templates/schema.yaml
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: shop-schema
              labels:
                app.kubernetes.io/component: migration
              annotations:
                "helm.sh/hook": pre-upgrade
            spec:
              template:
                spec:
                  initContainers:
                    - name: wait
                      image: busybox
                      command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]
                  containers:
                    - name: schema
                      image: shop-tools
                      command: ["bundle", "exec"]
                      args: ["rails", "db:migrate"]
                    - name: idle
                      image: busybox
            """;

        var hook = HookManifest.Parse(yaml).Single();

        hook.Labels.Should().Equal(new Dictionary<string, string> { ["app.kubernetes.io/component"] = "migration" });
        hook.Commands.Should().Equal("sh -c until nc -z db 5432; do sleep 1; done", "bundle exec rails db:migrate");
        MigrationHooks.IsMigration(hook, MigrationHookSelection.Heuristic).Should().BeTrue();
    }

    [Fact]
    public void RanIn_ReadsWhichMigrationHooksTheReleaseRecordSaysCompleted()
    {
        // The shape of helm status --output json (Helm 3.17.2 and 4.1.4 alike), trimmed.
        const string json = """
            {"name":"shop","version":2,"hooks":[
              {"name":"shop-migrate","kind":"Job","path":"shop/templates/migrate.yaml",
               "manifest":"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: shop-migrate\n  annotations:\n    \"helm.sh/hook\": pre-upgrade\n",
               "events":["pre-upgrade"],
               "last_run":{"started_at":"2026-12-01T23:22:58.379573195Z","completed_at":"2026-12-01T23:22:58.773571977Z","phase":"Succeeded"}},
              {"name":"shop-test","kind":"Pod","path":"shop/templates/test.yaml",
               "manifest":"apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop-test\n  annotations:\n    \"helm.sh/hook\": test\n",
               "events":["test"],"last_run":{"started_at":"","completed_at":"","phase":""}},
              {"name":"shop-migrate-2","kind":"Job","path":"shop/templates/migrate2.yaml",
               "manifest":"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: shop-migrate-2\n  annotations:\n    \"helm.sh/hook\": pre-upgrade\n",
               "events":["pre-upgrade"],"last_run":{"started_at":"","completed_at":"","phase":""}}
            ]}
            """;

        var runs = MigrationHooks.RanIn(json, MigrationHookSelection.Heuristic);

        runs.Should().ContainSingle("a hook that never ran has no phase");
        runs[0].Hook.Should().Be("Job/shop-migrate");
        runs[0].Completed.Should().BeTrue();
        runs[0].Ended.Should().Be(DateTimeOffset.Parse("2026-12-01T23:22:58.773571977Z", System.Globalization.CultureInfo.InvariantCulture));
        MigrationHooks.RanIn(json, MigrationHookSelection.Off).Should().BeEmpty();
        FluentActions.Invoking(() => MigrationHooks.RanIn("not json", MigrationHookSelection.Heuristic)).Should().Throw<FormatException>();
    }

    private static HookResource Hook(string kind, string name, string events, string label, string command) =>
        new(kind == "ConfigMap" || kind == "Pod" ? "v1" : "batch/v1", kind, name, null, events.Split(','), [], 0, null)
        {
            Labels = label.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [label.Split('=')[0]] = label.Split('=')[1] },
            Commands = command.Length == 0 ? [] : [command],
        };
}
