using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Platforms.GitHub;

public class FileCommandsTests
{
    [Fact]
    public void Entry_UsesTheHeredocForm()
    {
        FileCommands.Entry("failure-reason", "a=b\nsecond line", "EOF_1").Should().Be("failure-reason<<EOF_1\na=b\nsecond line\nEOF_1\n");
    }

    [Fact]
    public void Entry_OfAnEmptyValue_HasAnEmptyLine()
    {
        FileCommands.Entry("revision", "", "D").Should().Be("revision<<D\n\nD\n");
    }

    [Fact]
    public void Entry_RefusesADelimiterThatOccursInTheValue()
    {
        var act = () => FileCommands.Entry("x", "text\nD\nmore", "D");

        act.Should().Throw<ArgumentException>().WithMessage("*delimiter*");
    }

    [Fact]
    public void Entries_UseADifferentRandomDelimiterEachTime()
    {
        var text = FileCommands.Entries([new("a", "1"), new("b", "2")]);

        var delimiters = text.Split('\n').Where(l => l.Contains("<<", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("<<", StringComparison.Ordinal) + 2)..]).ToList();
        delimiters.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        delimiters.Should().AllSatisfy(d => d.Should().MatchRegex("^ghadelimiter_[0-9a-f]{32}$"));
    }
}
