using CsCheck;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// <c>$GITHUB_OUTPUT</c> entries, read back with <see cref="GitHubRunnerModel.FileCommands"/> on Linux and on Windows
/// (which also ends lines at <c>\r\n</c>): each entry is exactly the name and value given, or it is refused.
/// </summary>
public sealed class FileCommandProperties
{
    private static readonly Gen<string> OutputName = Gen.Frequency(
        (6, Gen.OneOf("result", "revision", "failure-reason", "report-path", "previous_revision")),
        (3, Generators.Text));

    private static readonly Gen<string> Delimiter = Gen.Frequency(
        (4, Gen.Const("EOF")),
        (2, Gen.String[Gen.Char["0123456789abcdef"], 32, 32].Select(hex => "ghadelimiter_" + hex)),
        (2, Generators.Text));

    [Fact]
    public void Entry_IsReadBackAsExactlyThatNameAndValue_OrRefused() =>
        Gen.Select(OutputName, Generators.Hostile, Delimiter, Gen.Bool).Sample((name, value, delimiter, windows) =>
        {
            string entry;
            try
            {
                entry = FileCommands.Entry(name, value, delimiter);
            }
            catch (ArgumentException)
            {
                var plain = IsPlainName(name) && delimiter.Length > 0 && !delimiter.Contains('\r', StringComparison.Ordinal) && !delimiter.Contains('\n', StringComparison.Ordinal)
                    && !value.Contains(delimiter, StringComparison.Ordinal) && !name.Contains(delimiter, StringComparison.Ordinal);
                plain.Should().BeFalse("a plain name and a value without the delimiter must be written");
                return;
            }

            var pairs = GitHubRunnerModel.FileCommands(entry, windows);
            pairs.Should().Equal([new KeyValuePair<string, string>(name, AsRead(value, windows))]);
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, {Generators.Show(t.Item2)}, {Generators.Show(t.Item3)}, windows: {t.Item4})");

    [Fact]
    public void Entries_AreReadBackInOrder_EachWithItsOwnRandomDelimiter() =>
        Gen.Select(OutputName, Generators.Hostile).Array[0, 6].Sample(values =>
        {
            var pairs = values.Select(v => new KeyValuePair<string, string>(v.Item1, v.Item2)).ToList();
            string text;
            try
            {
                text = FileCommands.Entries(pairs);
            }
            catch (ArgumentException)
            {
                pairs.Any(p => !IsPlainName(p.Key)).Should().BeTrue("only a name the runner cannot read may be refused");
                return;
            }

            GitHubRunnerModel.FileCommands(text, windows: false).Should().Equal(pairs);
        }, iter: Generators.Iterations, threads: 1);

    [Fact]
    public void Entry_AValueHoldingTheDelimiter_IsRefused() =>
        Gen.Select(Generators.Text, Delimiter.Where(d => d.Length > 0), Generators.Text).Sample((before, delimiter, after) =>
        {
            try
            {
                FileCommands.Entry("result", before + delimiter + after, delimiter);
            }
            catch (ArgumentException)
            {
                return;
            }

            Assert.Fail($"a value holding the delimiter {Generators.Show(delimiter)} was written");
        }, iter: Generators.Iterations, threads: 1);

    // Shrunk counterexamples. The runner split "{=?`...<<EOF" at the '=': the value's lines were read as entries of their own.
    [Fact]
    public void Entry_ANameHoldingAnEqualsSign_IsRefused()
    {
        var act = () => FileCommands.Entry("{=?`\u001F\u001Cn\u000Fwt", "##[\u212A", "EOF");

        act.Should().Throw<ArgumentException>().WithMessage("*'='*");
    }

    // "...tgz<" + "<<EOF": the runner looked for the delimiter "<EOF" and never found it.
    [Fact]
    public void Entry_ANameEndingWithALessThanSign_IsRefused()
    {
        var act = () => FileCommands.Entry("lqbSN2vh&wwm.tgz<", "sio.tgz./txmddDUG", "EOF");

        act.Should().Throw<ArgumentException>().WithMessage("*'<'*");
    }

    private static bool IsPlainName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    // On Windows the runner ends a line at "\r\n" too, so a '\r' that ends the value is read as part of the line break.
    private static string AsRead(string value, bool windows) => windows && value.EndsWith('\r') ? value[..^1] : value;
}
