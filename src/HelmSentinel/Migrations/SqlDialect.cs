namespace HelmSentinel.Migrations;

/// <summary>The SQL dialect migration files are written in (input <c>migrations-dialect</c>).</summary>
public enum SqlDialect
{
    /// <summary>PostgreSQL: <c>"quoted"</c> identifiers, <c>E'…'</c> and dollar-quoted (<c>$$…$$</c>, <c>$tag$…$tag$</c>) literals.</summary>
    PostgreSql,

    /// <summary>MySQL and MariaDB: <c>`quoted`</c> identifiers, <c>#</c> comments, backslash escapes in literals, <c>DELIMITER</c>.</summary>
    MySql,

    /// <summary>SQL Server (T-SQL), read by Microsoft's own parser (ScriptDom), <c>GO</c> batches included.</summary>
    SqlServer,
}

/// <summary>What a destructive statement in a migration does to the deploy (input <c>destructive-migrations</c>).</summary>
public enum DestructiveMigrationPolicy
{
    /// <summary>Each finding is a warning in the report; the deploy goes on.</summary>
    Warn,

    /// <summary>Any finding refuses the deploy before anything changes (exit 3).</summary>
    Block,
}

/// <summary>The names of dialects and policies as the inputs spell them.</summary>
public static class MigrationNames
{
    /// <summary><c>postgresql</c>, <c>mysql</c>, <c>sqlserver</c> by dialect.</summary>
    public static IReadOnlyDictionary<string, SqlDialect> Dialects { get; } = new Dictionary<string, SqlDialect>(StringComparer.OrdinalIgnoreCase)
    {
        ["postgresql"] = SqlDialect.PostgreSql,
        ["mysql"] = SqlDialect.MySql,
        ["sqlserver"] = SqlDialect.SqlServer,
    };

    /// <summary><c>warn</c> and <c>block</c>.</summary>
    public static IReadOnlyDictionary<string, DestructiveMigrationPolicy> Policies { get; } = new Dictionary<string, DestructiveMigrationPolicy>(StringComparer.OrdinalIgnoreCase)
    {
        ["warn"] = DestructiveMigrationPolicy.Warn,
        ["block"] = DestructiveMigrationPolicy.Block,
    };

    /// <summary>The input's spelling of a dialect: <c>postgresql</c>, <c>mysql</c> or <c>sqlserver</c>.</summary>
    public static string Of(SqlDialect dialect) => Dialects.First(d => d.Value == dialect).Key;

    /// <summary>The input's spelling of a policy: <c>warn</c> or <c>block</c>.</summary>
    public static string Of(DestructiveMigrationPolicy policy) => Policies.First(p => p.Value == policy).Key;
}
