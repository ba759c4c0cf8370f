namespace HelmSentinel.Kubernetes;

/// <summary>
/// Which hooks of a release count as database migrations (pure). A migration runs before the new code, and a rollback
/// restores the code but not the schema it changed: the deploy watches these hooks and warns when it fails after one.
/// </summary>
/// <remarks>
/// <para>The heuristic, when no hook is named: a Job or Pod hook on <c>pre-install</c> or <c>pre-upgrade</c> whose name,
/// a label (key or value), or a container's command and arguments contain, in any case, one of <see cref="Words"/>
/// (<c>migrate</c>, <c>migration</c>, <c>flyway</c>, <c>liquibase</c>, <c>alembic</c>), or whose command contains one of
/// <see cref="Commands"/> (<c>ef database update</c>, <c>rails db:migrate</c>). Images are not looked at: a migration
/// tool's image also runs its other commands (<c>flyway info</c>).</para>
/// <para>Naming hooks (input <c>migration-hooks</c>, CLI <c>--migration-hook NAME</c>) replaces the heuristic: exactly the
/// Job and Pod hooks of those names count, whatever their events. The single name <c>none</c> turns detection off.</para>
/// </remarks>
public static class MigrationHooks
{
    /// <summary>The word that turns detection off when it is the only name given.</summary>
    public const string None = "none";

    /// <summary>Words that make a hook's name, labels or command a migration's.</summary>
    public static IReadOnlyList<string> Words { get; } = ["migrate", "migration", "flyway", "liquibase", "alembic"];

    /// <summary>Commands that make a hook a migration wherever they appear in its containers' command lines.</summary>
    public static IReadOnlyList<string> Commands { get; } = ["ef database update", "rails db:migrate"];

    /// <summary>True when <paramref name="hook"/> counts as a migration under <paramref name="selection"/>.</summary>
    /// <param name="hook">A hook of the revision (<see cref="HookManifest.Parse"/>, or the live Job or Pod).</param>
    /// <param name="selection">The hooks named by the user, <see cref="MigrationHookSelection.Heuristic"/> or <see cref="MigrationHookSelection.Off"/>.</param>
    public static bool IsMigration(HookResource hook, MigrationHookSelection selection)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(selection);
        if (!hook.IsJobOrPod || selection.Disabled)
        {
            return false;
        }

        if (selection.Names.Count > 0)
        {
            return selection.Names.Contains(hook.Name, StringComparer.Ordinal);
        }

        if (!hook.Events.Contains("pre-install") && !hook.Events.Contains("pre-upgrade"))
        {
            return false;
        }

        return Says(hook.Name)
            || hook.Labels.Any(l => Says(l.Key) || Says(l.Value))
            || hook.Commands.Any(c => Says(c) || Commands.Any(m => Normalized(c).Contains(m, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The hooks of <paramref name="hooks"/> that count as migrations, in their order.</summary>
    public static IReadOnlyList<HookResource> Of(IEnumerable<HookResource> hooks, MigrationHookSelection selection)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        return [.. hooks.Where(h => IsMigration(h, selection))];
    }

    /// <summary>
    /// The migration hooks a revision's stored release says ran (<c>helm status --output json</c>: each hook's
    /// <c>manifest</c>, <c>events</c> and <c>last_run</c> with <c>started_at</c>, <c>completed_at</c> and <c>phase</c>),
    /// whether or not a watcher saw them; <see cref="MigrationHookRun.Completed"/> when the phase is <c>Succeeded</c>. Hooks
    /// that never ran (an empty phase) are left out; times are the cluster's, as helm recorded them.
    /// </summary>
    /// <param name="releaseJson">What <c>helm status --output json</c> printed.</param>
    /// <param name="selection">Which hooks count as migrations.</param>
    /// <exception cref="FormatException">The text is not a release as JSON.</exception>
    public static IReadOnlyList<MigrationHookRun> RanIn(string releaseJson, MigrationHookSelection selection)
    {
        ArgumentNullException.ThrowIfNull(releaseJson);
        ArgumentNullException.ThrowIfNull(selection);
        System.Text.Json.Nodes.JsonNode? release;
        try
        {
            release = System.Text.Json.Nodes.JsonNode.Parse(releaseJson);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException("helm status printed something that is not a release as JSON: " + e.Message, e);
        }

        var runs = new List<MigrationHookRun>();
        foreach (var stored in (release?["hooks"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>())
        {
            var phase = Text(stored["last_run"]?["phase"]);
            if (string.IsNullOrEmpty(phase) || Text(stored["manifest"]) is not { } manifest)
            {
                continue;
            }

            foreach (var hook in HookManifest.Parse(manifest).Where(h => IsMigration(h, selection)))
            {
                runs.Add(new MigrationHookRun(hook.Reference, hook.Events)
                {
                    Started = Time(stored["last_run"]?["started_at"]),
                    Ended = phase is "Succeeded" or "Failed" ? Time(stored["last_run"]?["completed_at"]) : null,
                    Completed = phase == "Succeeded",
                });
            }
        }

        return runs;
    }

    private static string? Text(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static DateTimeOffset? Time(System.Text.Json.Nodes.JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static bool Says(string text) => Words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    // "dotnet ef  database   update" is still the command.
    private static string Normalized(string command) => string.Join(' ', command.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Which hooks the deploy treats as migrations: by the heuristic, by name, or none.</summary>
/// <param name="Names">The hook names given (<c>metadata.name</c>); empty = the heuristic of <see cref="MigrationHooks"/>.</param>
/// <param name="Disabled">True when detection is off (<c>migration-hooks: none</c>).</param>
public sealed record MigrationHookSelection(IReadOnlyList<string> Names, bool Disabled)
{
    /// <summary>The heuristic: no names, detection on.</summary>
    public static MigrationHookSelection Heuristic { get; } = new([], false);

    /// <summary>Detection off.</summary>
    public static MigrationHookSelection Off { get; } = new([], true);

    /// <summary>The selection the <c>migration-hooks</c> input asks for: no names = the heuristic, the single name
    /// <c>none</c> = off, otherwise exactly those names (trimmed, blank ones dropped).</summary>
    /// <param name="names">The input's names as given.</param>
    public static MigrationHookSelection From(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var given = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return given switch
        {
            [] => Heuristic,
            [var only] when string.Equals(only, MigrationHooks.None, StringComparison.OrdinalIgnoreCase) => Off,
            _ => new MigrationHookSelection(given, false),
        };
    }
}
