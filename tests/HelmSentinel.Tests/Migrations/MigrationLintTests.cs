using HelmSentinel.Migrations;
using static HelmSentinel.Migrations.MigrationKind;
using static HelmSentinel.Migrations.SqlDialect;

namespace HelmSentinel.Tests.Migrations;

/// <summary>Each destructive kind in each dialect, and what only looks like one (comments, literals, function bodies, quoted names).</summary>
public sealed class MigrationLintTests
{
    public static TheoryData<SqlDialect, string, MigrationKind[]> Destructive() => new()
    {
        // PostgreSQL
        { PostgreSql, "DROP TABLE users;", [DropTable] },
        { PostgreSql, "drop table if exists public.users cascade;", [DropTable] },
        { PostgreSql, "ALTER TABLE users DROP COLUMN email;", [DropColumn] },
        { PostgreSql, "ALTER TABLE IF EXISTS ONLY public.users DROP email;", [DropColumn] },
        { PostgreSql, "DROP SCHEMA billing CASCADE;", [DropSchema] },
        { PostgreSql, "ALTER TABLE users RENAME TO customers;", [Rename] },
        { PostgreSql, "ALTER TABLE users RENAME COLUMN email TO mail;", [Rename] },
        { PostgreSql, "ALTER TABLE users ALTER COLUMN age TYPE bigint;", [AlterColumnType] },
        { PostgreSql, "ALTER TABLE users ALTER age SET DATA TYPE bigint USING age::bigint;", [AlterColumnType] },
        { PostgreSql, "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", [SetNotNull] },
        { PostgreSql, "ALTER TABLE users ADD COLUMN tenant_id int NOT NULL;", [SetNotNull] },
        { PostgreSql, "TRUNCATE TABLE sessions;", [Truncate] },
        { PostgreSql, "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", [AddConstraint] },
        { PostgreSql, "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);", [AddConstraint] },
        { PostgreSql, "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);", [AddConstraint] },
        { PostgreSql, "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;", [DropConstraint] },
        { PostgreSql, "ALTER TABLE users DROP COLUMN a, ADD COLUMN b int NOT NULL, ALTER COLUMN c TYPE text;", [DropColumn, SetNotNull, AlterColumnType] },
        { PostgreSql, "ALTER TABLE \"Users\" DROP COLUMN \"Email\";", [DropColumn] },

        // MySQL
        { MySql, "DROP TABLE `users`;", [DropTable] },
        { MySql, "ALTER TABLE users DROP COLUMN email;", [DropColumn] },
        { MySql, "DROP DATABASE billing;", [DropSchema] },
        { MySql, "RENAME TABLE users TO customers;", [Rename] },
        { MySql, "ALTER TABLE users RENAME COLUMN email TO mail;", [Rename] },
        { MySql, "ALTER TABLE users MODIFY COLUMN age BIGINT;", [AlterColumnType] },
        { MySql, "ALTER TABLE users CHANGE email mail VARCHAR(255);", [Rename, AlterColumnType] },
        { MySql, "ALTER TABLE users CHANGE COLUMN age age BIGINT;", [AlterColumnType] },
        { MySql, "ALTER TABLE users ADD COLUMN tenant_id INT NOT NULL;", [SetNotNull] },
        { MySql, "TRUNCATE sessions;", [Truncate] },
        { MySql, "ALTER TABLE users ADD UNIQUE INDEX users_email (email);", [AddConstraint] },
        { MySql, "ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);", [AddConstraint] },
        { MySql, "ALTER TABLE orders DROP FOREIGN KEY fk_user;", [DropConstraint] },
        { MySql, "/*!40101 DROP TABLE legacy */;", [DropTable] },

        // SQL Server (ScriptDom)
        { SqlServer, "DROP TABLE dbo.users;", [DropTable] },
        { SqlServer, "ALTER TABLE dbo.users DROP COLUMN email;", [DropColumn] },
        { SqlServer, "DROP SCHEMA billing;", [DropSchema] },
        { SqlServer, "EXEC sp_rename 'dbo.users.email', 'mail', 'COLUMN';", [Rename] },
        { SqlServer, "EXEC sp_rename 'dbo.users', 'customers';", [Rename] },
        { SqlServer, "ALTER TABLE dbo.users ALTER COLUMN age BIGINT;", [AlterColumnType] },
        { SqlServer, "ALTER TABLE dbo.users ALTER COLUMN email NVARCHAR(200) NOT NULL;", [AlterColumnType, SetNotNull] },
        { SqlServer, "ALTER TABLE dbo.users ADD tenant_id INT NOT NULL;", [SetNotNull] },
        { SqlServer, "TRUNCATE TABLE dbo.sessions;", [Truncate] },
        { SqlServer, "ALTER TABLE dbo.users ADD CONSTRAINT uq_email UNIQUE (email);", [AddConstraint] },
        { SqlServer, "ALTER TABLE dbo.orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES dbo.users (id);", [AddConstraint] },
        { SqlServer, "CREATE UNIQUE INDEX ix_email ON dbo.users (email);", [AddConstraint] },
        { SqlServer, "ALTER TABLE dbo.orders DROP CONSTRAINT fk_user;", [DropConstraint] },
        { SqlServer, "ALTER TABLE [dbo].[users] DROP COLUMN [email]\nGO", [DropColumn] },
    };

    [Theory]
    [MemberData(nameof(Destructive))]
    public void ADestructiveStatement_IsAFindingOfItsKind(SqlDialect dialect, string sql, MigrationKind[] kinds)
    {
        var (findings, problems) = MigrationLint.LintText("db/m.sql", sql, dialect);

        problems.Should().BeEmpty();
        findings.Select(f => f.Kind).Should().Equal(kinds);
        findings.Should().OnlyContain(f => f.File == "db/m.sql" && f.Line == 1 && f.Statement.Length > 0 && f.Advice.Length > 0);
    }

    public static TheoryData<SqlDialect, string> Harmless() => new()
    {
        { PostgreSql, "-- DROP TABLE users;\nSELECT 1;" },
        { PostgreSql, "/* DROP TABLE users; /* nested */ ALTER TABLE users DROP COLUMN email; */ SELECT 1;" },
        { PostgreSql, "INSERT INTO audit (note) VALUES ('DROP COLUMN');" },
        { PostgreSql, "INSERT INTO audit (note) VALUES ('it''s; DROP TABLE users');" },
        { PostgreSql, "INSERT INTO audit (note) VALUES (E'\\'; DROP TABLE users; --');" },
        { PostgreSql, "CREATE FUNCTION purge() RETURNS void AS $$ BEGIN DROP TABLE old_sessions; END $$ LANGUAGE plpgsql;" },
        { PostgreSql, "DO $body$ BEGIN TRUNCATE sessions; END $body$;" },
        { PostgreSql, "CREATE TABLE \"DROP TABLE users\" (id int);" },
        { PostgreSql, "ALTER TABLE users ADD COLUMN note text;" },
        { PostgreSql, "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;" },
        { PostgreSql, "ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;" },
        { PostgreSql, "ALTER TABLE users ALTER COLUMN type SET DEFAULT 'x';" },
        { PostgreSql, "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;" },
        { PostgreSql, "CREATE INDEX users_email ON users (email);" },
        { PostgreSql, "ALTER TABLE users ADD CONSTRAINT positive CHECK (age > 0);" },
        { PostgreSql, "SELECT $1, 'DROP SCHEMA x';" },
        { MySql, "# DROP TABLE users\nSELECT 1;" },
        { MySql, "-- DROP TABLE users\nSELECT 1;" },
        { MySql, "INSERT INTO audit (note) VALUES ('it\\'s; DROP TABLE users');" },
        { MySql, "INSERT INTO audit (note) VALUES (\"DROP COLUMN\");" },
        { MySql, "CREATE TABLE `DROP TABLE users` (id INT);" },
        { MySql, "ALTER TABLE users ADD COLUMN id INT NOT NULL AUTO_INCREMENT PRIMARY KEY;" },
        { MySql, "ALTER TABLE users DROP INDEX users_email;" },
        { SqlServer, "-- DROP TABLE users\nSELECT 1;" },
        { SqlServer, "/* ALTER TABLE users DROP COLUMN email */ SELECT 'DROP COLUMN';" },
        { SqlServer, "EXEC('DROP TABLE users');" },
        { SqlServer, "CREATE TABLE [DROP TABLE users] (id INT);" },
        { SqlServer, "ALTER TABLE dbo.users ADD active BIT NOT NULL DEFAULT 1;" },
        { SqlServer, "EXEC sp_rename 'dbo.users.ix_old', 'ix_new', 'INDEX';" },
    };

    [Theory]
    [MemberData(nameof(Harmless))]
    public void WhatOnlyLooksDestructive_IsNoFinding(SqlDialect dialect, string sql)
    {
        var (findings, problems) = MigrationLint.LintText("db/m.sql", sql, dialect);

        problems.Should().BeEmpty();
        findings.Should().BeEmpty();
    }

    [Theory]
    [InlineData(PostgreSql)]
    [InlineData(MySql)]
    [InlineData(SqlServer)]
    public void EachFinding_IsAtTheLineItsStatementStarts_WithItsFirstLine(SqlDialect dialect)
    {
        var comment = dialect is SqlServer ? "/* a\n   long\n   comment */" : "/* a\n   long\n   comment; DROP TABLE x */";
        var sql = $"""
            -- 001: split the name
            {comment}
            CREATE TABLE people (id int);

            ALTER TABLE users
              DROP COLUMN email;
            INSERT INTO notes VALUES ('one
            two; DROP TABLE x');
            TRUNCATE TABLE sessions;
            """;

        var (findings, _) = MigrationLint.LintText("db/001.sql", sql.ReplaceLineEndings("\n"), dialect);

        findings.Select(f => (f.Line, f.Kind, f.Statement)).Should().Equal(
            (7, DropColumn, "ALTER TABLE users"),
            (11, Truncate, "TRUNCATE TABLE sessions;"));
        findings[0].Location.Should().Be("db/001.sql:7");
        findings[0].ToString().Should().Be("db/001.sql:7: DROP COLUMN: ALTER TABLE users");
    }

    [Fact]
    public void MySqlsDelimiter_EndsStatementsWhereItSays_AndABodyIsOneStatement()
    {
        const string sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\nDELIMITER ;\nDROP TABLE t;\n";

        var statements = SqlTokenizer.Statements(sql, MySql);

        statements.Select(s => s.Line).Should().Equal(2, 4);
        MigrationLint.LintText("m.sql", sql, MySql).Findings.Should().ContainSingle().Which.Line.Should().Be(4);
    }

    [Fact]
    public void ALongFirstLine_IsBounded()
    {
        var sql = "ALTER TABLE users DROP COLUMN " + new string('x', 300) + ";";

        var finding = MigrationLint.LintText("m.sql", sql, PostgreSql).Findings.Should().ContainSingle().Subject;

        finding.Statement.Length.Should().Be(SqlTokenizer.MaxFirstLine);
        finding.Statement.Should().EndWith("…");
    }

    [Fact]
    public void ATSqlScriptThatDoesNotParse_IsAProblem_NotASilentPass()
    {
        var (findings, problems) = MigrationLint.LintText("db/bad.sql", "ALTER TABLE DROP COLUMN;", SqlServer);

        findings.Should().BeEmpty();
        problems.Should().ContainSingle().Which.Should().StartWith("db/bad.sql: line 1: ").And.EndWith("; not linted");
    }

    [Fact]
    public void EveryKind_HasANameAndAdvice()
    {
        foreach (var kind in Enum.GetValues<MigrationKind>())
        {
            MigrationKinds.Name(kind).Should().NotBeNullOrWhiteSpace();
            MigrationKinds.Advice(kind).Should().NotBeNullOrWhiteSpace();
        }

        MigrationKinds.Advice(Rename).Should().Contain("add the new column").And.Contain("write both").And.Contain("backfill")
            .And.Contain("switch reads").And.Contain("drop the old one in a later release");
    }
}
