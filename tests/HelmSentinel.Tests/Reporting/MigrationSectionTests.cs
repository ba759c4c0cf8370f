using System.Text;
using HelmSentinel.Migrations;
using HelmSentinel.Reporting;

namespace HelmSentinel.Tests.Reporting;

public sealed class MigrationSectionTests
{
    private static readonly MigrationLintResult Result = new()
    {
        Base = "3c9d2f1e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d",
        Files = ["db/migrations/002_split_name.sql"],
        Findings =
        [
            new MigrationFinding("db/migrations/002_split_name.sql", 4, MigrationKind.Rename, "ALTER TABLE users RENAME COLUMN name TO full_name;"),
            new MigrationFinding("db/migrations/002_split_name.sql", 9, MigrationKind.DropColumn, "ALTER TABLE users DROP COLUMN hunter2_secret;"),
        ],
    };

    [Fact]
    public void TheTextSection_ListsEachFindingWithItsAdvice_TheBaseShortened_AndSecretsMasked()
    {
        var text = new StringBuilder();

        MigrationSection.AppendText(text, Result, new SecretMasker(["hunter2_secret"]));

        text.ToString().Should().Be(
            "destructive migrations (changed since 3c9d2f1):\n" +
            "  - db/migrations/002_split_name.sql:4: RENAME: ALTER TABLE users RENAME COLUMN name TO full_name;\n" +
            "      what to do: " + MigrationKinds.Advice(MigrationKind.Rename) + "\n" +
            "  - db/migrations/002_split_name.sql:9: DROP COLUMN: ALTER TABLE users DROP COLUMN ***;\n" +
            "      what to do: " + MigrationKinds.Advice(MigrationKind.DropColumn) + "\n");
    }

    [Fact]
    public void TheMarkdownSection_IsABulletPerFinding_WithTheAdviceUnderIt()
    {
        var md = new StringBuilder();

        MigrationSection.AppendMarkdown(md, Result with { Base = "origin/main" }, SecretMasker.None);

        md.ToString().Should().StartWith("#### Destructive migrations (changed since origin/main)\n\n" +
            "- `db/migrations/002_split_name.sql:4` RENAME: `ALTER TABLE users RENAME COLUMN name TO full_name;`  \n  the old name is gone at once");
    }

    [Fact]
    public void WithoutFindings_ThereIsNoSection()
    {
        var text = new StringBuilder();
        var md = new StringBuilder();

        MigrationSection.AppendText(text, Result with { Findings = [] }, SecretMasker.None);
        MigrationSection.AppendMarkdown(md, null, SecretMasker.None);

        text.Length.Should().Be(0);
        md.Length.Should().Be(0);
    }
}
