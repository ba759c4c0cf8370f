using System.Text;

namespace HelmSentinel.Migrations;

/// <summary>What the migration lint found.</summary>
public sealed record MigrationLintResult
{
    /// <summary>The base the files were compared with (<c>git diff BASE...HEAD</c>); null when every matched file was linted.</summary>
    public string? Base { get; init; }

    /// <summary>The files linted, relative with <c>/</c>, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The destructive statements, by file and line.</summary>
    public IReadOnlyList<MigrationFinding> Findings { get; init; } = [];

    /// <summary>Files that could not be read or parsed, each with why (<c>db/x.sql: line 3: Incorrect syntax near …</c>).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>
/// The destructive-migration lint: the SQL files the <c>migrations</c> globs match (on a pull request only those added or
/// changed since its base), each statement classified (<see cref="StatementClassifier"/> for PostgreSQL and MySQL,
/// <see cref="TSqlClassifier"/> for SQL Server) into <see cref="MigrationFinding"/>s with their expand/contract advice.
/// </summary>
public static class MigrationLint
{
    /// <summary>The findings of one file's text, and why it could not be read when it could not (T-SQL syntax errors). Pure.</summary>
    /// <param name="file">The file's relative path, as the findings name it.</param>
    /// <param name="sql">Its text.</param>
    /// <param name="dialect">Its dialect.</param>
    public static (IReadOnlyList<MigrationFinding> Findings, IReadOnlyList<string> Problems) LintText(string file, string sql, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sql);
        if (dialect is SqlDialect.SqlServer)
        {
            var (found, errors) = TSqlClassifier.Classify(sql);
            return ([.. found.Select(f => new MigrationFinding(file, f.Line, f.Kind, f.Statement))],
                [.. errors.Select(e => $"{file}: {e}; not linted")]);
        }

        var findings = new List<MigrationFinding>();
        foreach (var statement in SqlTokenizer.Statements(sql, dialect))
        {
            findings.AddRange(StatementClassifier.Classify(statement).Select(kind => new MigrationFinding(file, statement.Line, kind, statement.FirstLine)));
        }

        return (findings, []);
    }

    /// <summary>Lints the files under <paramref name="folder"/> that <paramref name="globs"/> match; with
    /// <paramref name="baseRevision"/>, only those added or changed since it (<see cref="GitChanges"/>).</summary>
    /// <exception cref="MigrationLintException">The base cannot be compared with (<see cref="GitChanges.ChangedSinceAsync"/>).</exception>
    public static async Task<MigrationLintResult> RunAsync(
        string folder, IReadOnlyList<string> globs, SqlDialect dialect, string? baseRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(globs);
        IReadOnlyList<string> files = MigrationGlob.Match(folder, globs);
        var trimmedBase = string.IsNullOrWhiteSpace(baseRevision) ? null : baseRevision.Trim();
        if (trimmedBase is not null)
        {
            var changed = new HashSet<string>(await GitChanges.ChangedSinceAsync(folder, trimmedBase, cancellationToken), StringComparer.Ordinal);
            files = [.. files.Where(changed.Contains)];
        }

        var findings = new List<MigrationFinding>();
        var problems = new List<string>();
        foreach (var file in files)
        {
            string sql;
            try
            {
                sql = await File.ReadAllTextAsync(Path.Combine(folder, file), Encoding.UTF8, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{file}: cannot be read ({e.Message}); not linted");
                continue;
            }

            var (found, notRead) = LintText(file, sql, dialect);
            findings.AddRange(found);
            problems.AddRange(notRead);
        }

        return new MigrationLintResult { Base = trimmedBase, Files = files, Findings = findings, Problems = problems };
    }
}
