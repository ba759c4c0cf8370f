namespace HelmSentinel.Migrations;

/// <summary>
/// Which destructive kinds a PostgreSQL or MySQL statement is, read from its tokens (<see cref="SqlTokenizer"/>), so
/// only real SQL counts: a word in a comment or a literal never does. An <c>ALTER TABLE</c> with several actions gives
/// one kind per destructive action. Statements inside function bodies (dollar-quoted literals) are not read. Pure.
/// </summary>
public static class StatementClassifier
{
    /// <summary>The destructive kinds of <paramref name="statement"/>, in the order its actions come; empty for a harmless one.</summary>
    public static IReadOnlyList<MigrationKind> Classify(SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var t = statement.Tokens;
        bool At(int i, params string[] words) => words.Select((w, k) => i + k < t.Count && t[i + k].Is(w)).All(x => x);

        if (At(0, "DROP", "TABLE"))
        {
            return [MigrationKind.DropTable];
        }

        if (At(0, "DROP", "SCHEMA") || At(0, "DROP", "DATABASE"))
        {
            return [MigrationKind.DropSchema];
        }

        if (At(0, "TRUNCATE"))
        {
            return [MigrationKind.Truncate];
        }

        if (At(0, "RENAME", "TABLE"))
        {
            return [MigrationKind.Rename];
        }

        if (At(0, "CREATE", "UNIQUE", "INDEX"))
        {
            return [MigrationKind.AddConstraint];
        }

        if (At(0, "ALTER", "TABLE"))
        {
            return [.. Actions(t).SelectMany(AlterTableAction)];
        }

        return [];
    }

    // The actions of ALTER TABLE [IF EXISTS] [ONLY] name [*] action, action, …: split at the commas outside parentheses.
    private static IEnumerable<IReadOnlyList<SqlToken>> Actions(IReadOnlyList<SqlToken> t)
    {
        var i = 2;
        while (i < t.Count && (t[i].Is("IF") || t[i].Is("EXISTS") || t[i].Is("ONLY")))
        {
            i++;
        }

        i++; // the name, then .name parts
        while (i + 1 < t.Count && t[i].IsSymbol('.'))
        {
            i += 2;
        }

        if (i < t.Count && t[i].IsSymbol('*'))
        {
            i++;
        }

        var depth = 0;
        var action = new List<SqlToken>();
        for (; i < t.Count; i++)
        {
            if (t[i].IsSymbol('('))
            {
                depth++;
            }
            else if (t[i].IsSymbol(')'))
            {
                depth--;
            }
            else if (t[i].IsSymbol(',') && depth == 0)
            {
                yield return action;
                action = [];
                continue;
            }

            action.Add(t[i]);
        }

        if (action.Count > 0)
        {
            yield return action;
        }
    }

    private static IEnumerable<MigrationKind> AlterTableAction(IReadOnlyList<SqlToken> a)
    {
        bool At(int i, string word) => i < a.Count && a[i].Is(word);
        bool Has(string word) => a.Any(x => x.Is(word));
        bool Phrase(params string[] words) => Enumerable.Range(0, Math.Max(0, a.Count - words.Length + 1))
            .Any(i => words.Select((w, k) => a[i + k].Is(w)).All(x => x));

        if (At(0, "DROP"))
        {
            if (At(1, "CONSTRAINT") || (At(1, "FOREIGN") && At(2, "KEY")))
            {
                yield return MigrationKind.DropConstraint;
            }
            else if (!(At(1, "PRIMARY") || At(1, "INDEX") || At(1, "KEY") || At(1, "CHECK") || At(1, "PARTITION") || At(1, "DEFAULT")
                       || At(1, "EXPRESSION") || At(1, "IDENTITY") || At(1, "NOT")))
            {
                // DROP [COLUMN] [IF EXISTS] name: the word COLUMN is optional in both dialects.
                yield return MigrationKind.DropColumn;
            }

            yield break;
        }

        if (At(0, "RENAME"))
        {
            if (!(At(1, "CONSTRAINT") || At(1, "INDEX") || At(1, "KEY")))
            {
                yield return MigrationKind.Rename;
            }

            yield break;
        }

        if (At(0, "ALTER"))
        {
            // ALTER [COLUMN] name TYPE … / SET DATA TYPE … / SET NOT NULL
            var column = At(1, "COLUMN") ? 2 : 1;
            if (Phrase("SET", "DATA", "TYPE") || At(column + 1, "TYPE"))
            {
                yield return MigrationKind.AlterColumnType;
            }

            if (Phrase("SET", "NOT", "NULL"))
            {
                yield return MigrationKind.SetNotNull;
            }

            yield break;
        }

        if (At(0, "MODIFY"))
        {
            yield return MigrationKind.AlterColumnType;
            yield break;
        }

        if (At(0, "CHANGE"))
        {
            // CHANGE [COLUMN] old new definition: a rename when the names differ, and always a new definition.
            var n = At(1, "COLUMN") ? 2 : 1;
            if (n + 1 < a.Count && !string.Equals(a[n].Text, a[n + 1].Text, StringComparison.OrdinalIgnoreCase))
            {
                yield return MigrationKind.Rename;
            }

            yield return MigrationKind.AlterColumnType;
            yield break;
        }

        if (At(0, "ADD"))
        {
            var n = At(1, "CONSTRAINT") ? 3 : 1;
            if (At(n, "UNIQUE") || (At(n, "FOREIGN") && At(n + 1, "KEY")))
            {
                yield return MigrationKind.AddConstraint;
                yield break;
            }

            if (At(1, "CONSTRAINT") || At(1, "PRIMARY") || At(1, "INDEX") || At(1, "KEY") || At(1, "CHECK") || At(1, "PARTITION")
                || At(1, "FULLTEXT") || At(1, "SPATIAL"))
            {
                yield break;
            }

            if (NotNullWithoutDefault(a) && !Has("GENERATED") && !Has("IDENTITY") && !Has("AUTO_INCREMENT") && !Has("SERIAL")
                && !Has("BIGSERIAL") && !Has("SMALLSERIAL"))
            {
                yield return MigrationKind.SetNotNull;
            }
        }
    }

    private static bool NotNullWithoutDefault(IReadOnlyList<SqlToken> a)
    {
        var notNull = Enumerable.Range(0, Math.Max(0, a.Count - 1)).Any(i => a[i].Is("NOT") && a[i + 1].Is("NULL"));
        return notNull && !a.Any(x => x.Is("DEFAULT"));
    }
}
