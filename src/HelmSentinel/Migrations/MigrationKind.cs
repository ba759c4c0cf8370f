namespace HelmSentinel.Migrations;

/// <summary>A kind of statement that the release running now, or the one a rollback restores, may not survive.</summary>
public enum MigrationKind
{
    /// <summary><c>DROP TABLE</c>.</summary>
    DropTable,

    /// <summary><c>ALTER TABLE … DROP COLUMN</c>.</summary>
    DropColumn,

    /// <summary><c>DROP SCHEMA</c> (MySQL's <c>DROP DATABASE</c> too).</summary>
    DropSchema,

    /// <summary>A table or column renamed (<c>RENAME TO</c>, <c>RENAME COLUMN</c>, MySQL <c>RENAME TABLE</c> and <c>CHANGE</c>, T-SQL <c>sp_rename</c>).</summary>
    Rename,

    /// <summary>A column's type changed (<c>ALTER COLUMN … TYPE</c>, <c>SET DATA TYPE</c>, MySQL <c>MODIFY</c>/<c>CHANGE</c>, T-SQL <c>ALTER COLUMN</c>).</summary>
    AlterColumnType,

    /// <summary>A column made <c>NOT NULL</c> without a default (<c>SET NOT NULL</c>, <c>ADD COLUMN … NOT NULL</c> without <c>DEFAULT</c>).</summary>
    SetNotNull,

    /// <summary><c>TRUNCATE</c>.</summary>
    Truncate,

    /// <summary>A unique or foreign-key constraint (or a unique index) added.</summary>
    AddConstraint,

    /// <summary>A constraint dropped (<c>DROP CONSTRAINT</c>, MySQL <c>DROP FOREIGN KEY</c>).</summary>
    DropConstraint,
}

/// <summary>How the reports name each <see cref="MigrationKind"/>, and the expand/contract advice for it.</summary>
public static class MigrationKinds
{
    /// <summary>The kind as the reports write it: <c>DROP COLUMN</c>, <c>RENAME</c>, <c>ALTER COLUMN TYPE</c>, …</summary>
    public static string Name(MigrationKind kind) => kind switch
    {
        MigrationKind.DropTable => "DROP TABLE",
        MigrationKind.DropColumn => "DROP COLUMN",
        MigrationKind.DropSchema => "DROP SCHEMA",
        MigrationKind.Rename => "RENAME",
        MigrationKind.AlterColumnType => "ALTER COLUMN TYPE",
        MigrationKind.SetNotNull => "SET NOT NULL",
        MigrationKind.Truncate => "TRUNCATE",
        MigrationKind.AddConstraint => "ADD CONSTRAINT",
        MigrationKind.DropConstraint => "DROP CONSTRAINT",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// What goes wrong and the expand/contract way round it. The old release keeps running during the rollout and comes
    /// back on a rollback, which restores its code but not the schema: each step must work with both releases.
    /// </summary>
    public static string Advice(MigrationKind kind) => kind switch
    {
        MigrationKind.DropTable =>
            "the previous release still reads this table (during the rollout, and again after a rollback, which does not bring the rows back); " +
            "stop using it in one release and drop it in a later one",
        MigrationKind.DropColumn =>
            "the previous release still reads and writes this column (during the rollout, and again after a rollback, which does not bring the data back); " +
            "release code that no longer uses it first, and drop it in a later release",
        MigrationKind.DropSchema =>
            "every table in the schema goes, and a rollback brings none back; move what is still used out first, and drop the schema in a later release",
        MigrationKind.Rename =>
            "the old name is gone at once, so the previous release fails (during the rollout and after a rollback); instead add the new column (or table), " +
            "write both, backfill, switch reads to the new one, and drop the old one in a later release",
        MigrationKind.AlterColumnType =>
            "it may rewrite and lock the table, and values one release writes may not fit the other; instead add a column of the new type, write both, " +
            "backfill, switch reads, and drop the old column in a later release",
        MigrationKind.SetNotNull =>
            "inserts from code that does not set the column (the previous release, during the rollout and after a rollback) fail, and existing NULLs fail " +
            "the migration; add it nullable or with a DEFAULT, backfill, make every release write it, and add NOT NULL in a later release",
        MigrationKind.Truncate =>
            "every row is deleted and a rollback brings none back; a one-off data fix belongs outside the deploy, with a backup first",
        MigrationKind.AddConstraint =>
            "rows the previous release writes (during the rollout and after a rollback) may break it and fail, existing ones may fail the migration, " +
            "and building it can lock the table; clean the data and make the code keep the rule first, then add the constraint in a later release " +
            "(PostgreSQL: NOT VALID then VALIDATE CONSTRAINT, or CREATE UNIQUE INDEX CONCURRENTLY)",
        MigrationKind.DropConstraint =>
            "code that relies on it (ON CONFLICT, cascades, a unique lookup) misbehaves, and duplicates or orphans written meanwhile stay after a rollback; " +
            "drop it in a release after the code stops relying on it",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>One destructive statement in a migration file.</summary>
/// <param name="File">The file, relative to the working folder, with <c>/</c> separators.</param>
/// <param name="Line">The 1-based line the statement starts on.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Statement">The statement's first line, trimmed and bounded (<see cref="SqlTokenizer.MaxFirstLine"/>).</param>
public sealed record MigrationFinding(string File, int Line, MigrationKind Kind, string Statement)
{
    /// <summary><c>file:line</c>.</summary>
    public string Location => $"{File}:{Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The kind as the reports write it (<see cref="MigrationKinds.Name"/>).</summary>
    public string KindName => MigrationKinds.Name(Kind);

    /// <summary>The expand/contract advice for the kind (<see cref="MigrationKinds.Advice"/>).</summary>
    public string Advice => MigrationKinds.Advice(Kind);

    /// <summary><c>db/migrations/002.sql:3: DROP COLUMN: ALTER TABLE users DROP COLUMN email;</c></summary>
    public override string ToString() => $"{Location}: {KindName}: {Statement}";
}
