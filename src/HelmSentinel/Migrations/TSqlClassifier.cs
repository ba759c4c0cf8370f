using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace HelmSentinel.Migrations;

/// <summary>
/// Finds the destructive statements of a T-SQL script with Microsoft's own parser (ScriptDom), so comments, literals,
/// bracketed names, <c>GO</c> batches and dynamic SQL in strings are read as SQL Server reads them. Pure.
/// </summary>
public static class TSqlClassifier
{
    /// <summary>What the script holds: each destructive statement (its line, kind and first line), or the parser's errors
    /// when it cannot be read (then nothing is classified).</summary>
    public static (IReadOnlyList<(int Line, MigrationKind Kind, string Statement)> Found, IReadOnlyList<string> Errors) Classify(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        if (errors.Count > 0)
        {
            return ([], [.. errors.Select(e => $"line {e.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {e.Message}")]);
        }

        var visitor = new Visitor(sql);
        fragment.Accept(visitor);
        return (visitor.Found, []);
    }

    private sealed class Visitor(string sql) : TSqlFragmentVisitor
    {
        public List<(int Line, MigrationKind Kind, string Statement)> Found { get; } = [];

        public override void Visit(DropTableStatement node) => Add(node, MigrationKind.DropTable);

        public override void Visit(DropSchemaStatement node) => Add(node, MigrationKind.DropSchema);

        public override void Visit(TruncateTableStatement node) => Add(node, MigrationKind.Truncate);

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            foreach (var element in node.AlterTableDropTableElements)
            {
                if (element.TableElementType is TableElementType.Column)
                {
                    Add(node, MigrationKind.DropColumn);
                }
                else if (element.TableElementType is TableElementType.Constraint)
                {
                    Add(node, MigrationKind.DropConstraint);
                }
            }
        }

        public override void Visit(AlterTableAlterColumnStatement node)
        {
            if (node.DataType is null)
            {
                return;
            }

            Add(node, MigrationKind.AlterColumnType);
            if (HasNotNull(node))
            {
                Add(node, MigrationKind.SetNotNull);
            }
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                var notNull = column.Constraints.OfType<NullableConstraintDefinition>().Any(c => !c.Nullable);
                if (notNull && column.DefaultConstraint is null && column.IdentityOptions is null && column.ComputedColumnExpression is null)
                {
                    Add(node, MigrationKind.SetNotNull);
                }
            }

            foreach (var constraint in node.Definition.TableConstraints)
            {
                if (constraint is UniqueConstraintDefinition { IsPrimaryKey: false } or ForeignKeyConstraintDefinition)
                {
                    Add(node, MigrationKind.AddConstraint);
                }
            }
        }

        public override void Visit(CreateIndexStatement node)
        {
            if (node.Unique)
            {
                Add(node, MigrationKind.AddConstraint);
            }
        }

        // EXEC sp_rename 'dbo.users.email', 'mail', 'COLUMN': a table or a column (not an index or statistics).
        public override void Visit(ExecuteStatement node)
        {
            if (node.ExecuteSpecification?.ExecutableEntity is ExecutableProcedureReference procedure
                && procedure.ProcedureReference?.ProcedureReference?.Name?.BaseIdentifier?.Value is { } name
                && string.Equals(name, "sp_rename", StringComparison.OrdinalIgnoreCase)
                && !procedure.Parameters.Any(p => p.ParameterValue is StringLiteral { Value: var v }
                    && (string.Equals(v, "INDEX", StringComparison.OrdinalIgnoreCase) || string.Equals(v, "STATISTICS", StringComparison.OrdinalIgnoreCase))))
            {
                Add(node, MigrationKind.Rename);
            }
        }

        private static bool HasNotNull(TSqlFragment node)
        {
            var tokens = node.ScriptTokenStream;
            TSqlParserToken? previous = null;
            for (var i = node.FirstTokenIndex; i <= node.LastTokenIndex; i++)
            {
                var token = tokens[i];
                if (token.TokenType is TSqlTokenType.WhiteSpace or TSqlTokenType.SingleLineComment or TSqlTokenType.MultilineComment)
                {
                    continue;
                }

                if (token.TokenType is TSqlTokenType.Null && previous?.TokenType is TSqlTokenType.Not)
                {
                    return true;
                }

                previous = token;
            }

            return false;
        }

        private void Add(TSqlFragment node, MigrationKind kind) =>
            Found.Add((node.StartLine, kind, SqlTokenizer.FirstLineAt(sql, node.StartOffset)));
    }
}
