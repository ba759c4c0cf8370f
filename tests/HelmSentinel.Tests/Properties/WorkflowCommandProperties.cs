using CsCheck;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// GitHub workflow commands, read back with <see cref="GitHubRunnerModel"/>: every command is one line that the runner
/// parses to the name, properties and data it was given; text from helm or a chart never becomes a command.
/// </summary>
public sealed class WorkflowCommandProperties
{
    private static readonly string[] RunnerPropertyNames = ["title", "file", "line", "endLine", "col", "endColumn"];

    private static readonly Gen<string> Name = Gen.Frequency(
        (6, Gen.OneOf([.. GitHubRunnerModel.Registered])),
        (1, Gen.OneOf("ERROR", "Warning", "set-output", "x", "error title", "error::x")),
        (1, Generators.Text));

    private static readonly Gen<string> Key = Gen.Frequency(
        (6, Gen.OneOf(RunnerPropertyNames)),
        (2, Gen.String[Gen.Char['a', 'z'], 1, 8]),
        (1, Generators.Text));

    private static readonly Gen<(string Key, string Value)[]> Properties = Gen.Select(Key, Generators.Hostile).Array[0, 4];

    [Fact]
    public void Command_IsOneLine_ThatTheRunnerReadsBackAsTheSameCommand() =>
        Gen.Select(Name, Properties, Generators.Hostile).Sample((name, properties, data) =>
        {
            string line;
            try
            {
                line = WorkflowCommands.Command(name, properties, data);
            }
            catch (ArgumentException)
            {
                // Refused: only a name the runner does not know, or a key it cannot read, may be.
                var readable = GitHubRunnerModel.Registered.Contains(name) && properties.All(p => RunnerPropertyNames.Contains(p.Key));
                readable.Should().BeFalse("a runner command with runner property names must be formatted");
                return;
            }

            line.Should().NotContainAny(["\r", "\n"], "a command is one line");
            var command = GitHubRunnerModel.Parse(line);
            command.Should().NotBeNull("the runner must read {0} as a command", Generators.Show(line));
            command!.Legacy.Should().BeFalse();
            command.Name.Should().Be(name);
            GitHubRunnerModel.AsWritten(command.Data, data).Should().Be(data);
            var expected = ExpectedProperties(properties);
            if (!SameProperties(command.Properties, expected))
            {
                command.Properties.Should().BeEquivalentTo(expected);
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, [{string.Join(", ", t.Item2.Select(p => $"({Generators.Show(p.Key)}, {Generators.Show(p.Value)})"))}], {Generators.Show(t.Item3)})");

    [Fact]
    public void Annotations_AndTheOtherHelpers_AreOneLineEach_WithTheirDataAndTitleIntact() =>
        Gen.Select(Generators.Hostile, Gen.Null(Generators.Hostile, 0.3)).Sample((message, title) =>
        {
            foreach (var (name, line, hasTitle) in new[]
            {
                ("error", WorkflowCommands.Error(message, title), true),
                ("warning", WorkflowCommands.Warning(message, title), true),
                ("notice", WorkflowCommands.Notice(message, title), true),
                ("debug", WorkflowCommands.Debug(message), false),
                ("group", WorkflowCommands.Group(message), false),
                ("add-mask", WorkflowCommands.AddMask(message), false),
            })
            {
                var commands = GitHubRunnerModel.Commands(line + "\n");
                var expected = hasTitle && title is not null ? ExpectedProperties([("title", title)]) : [];
                var read = commands.Count == 1 && !line.Contains('\r', StringComparison.Ordinal) && !line.Contains('\n', StringComparison.Ordinal)
                    && commands[0].Name == name && GitHubRunnerModel.AsWritten(commands[0].Data, message) == message
                    && SameProperties(commands[0].Properties, expected);
                if (!read)
                {
                    // The cheap check failed: let FluentAssertions say how.
                    line.Should().NotContainAny(["\r", "\n"]);
                    commands.Should().ContainSingle().Which.Name.Should().Be(name);
                    GitHubRunnerModel.AsWritten(commands[0].Data, message).Should().Be(message);
                    commands[0].Properties.Should().BeEquivalentTo(expected);
                }
            }
        }, iter: Generators.Iterations, threads: 1);

    // Shrunk counterexamples. ICU fuses the combining acute with the ':' before it: the runner found no "::" and printed the line.
    [Fact]
    public void Command_DataStartingWithACombiningCharacter_GetsAZeroWidthSpaceInFront()
    {
        var line = WorkflowCommands.Command("debug", [], "\u0301");

        line.Should().Be("::debug::\u200B\u0301");
        GitHubRunnerModel.Parse(line)!.Data.Should().Be("\u200B\u0301");
    }

    // The runner trims the properties, and the title lost its tab.
    [Fact]
    public void Error_ATitleEndingInWhiteSpace_KeepsIt()
    {
        var line = WorkflowCommands.Error("<<***", "uqm']j\t");

        line.Should().Be("::error title=uqm']j\t,::<<***");
        GitHubRunnerModel.Parse(line)!.Properties["title"].Should().Be("uqm']j\t");
    }

    // A name with a space was read as the command "error" with a property; a key ending in "::" ended the properties.
    [Fact]
    public void Command_ANameOrKeyTheRunnerCannotRead_IsRefused()
    {
        var name = () => WorkflowCommands.Command("error title", [], "W");
        var key = () => WorkflowCommands.Command(
            "notice", [("nyj\u0E33\u0009xysfcbdwft\\\u00AD::", "\u0005\u000Dyzvbayuqgt[0];Ff]hhi\u2028")], "khxrb\u0014fk\\.");

        name.Should().Throw<ArgumentException>().WithMessage("*not a workflow command*");
        key.Should().Throw<ArgumentException>().WithMessage("*not a property name*");
    }

    private static bool SameProperties(IReadOnlyDictionary<string, string> read, Dictionary<string, string> expected) =>
        read.Count == expected.Count && expected.All(e => read.TryGetValue(e.Key, out var value) && value == e.Value);

    // The runner keeps the last value of a key (case-insensitive); it skips an empty value, and drops the '=' a value
    // starts with (it splits "key==x" with RemoveEmptyEntries): nothing in its escaping can carry them.
    private static Dictionary<string, string> ExpectedProperties(IEnumerable<(string Key, string Value)> properties)
    {
        var expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in properties)
        {
            var kept = value.TrimStart('=');
            if (kept.Length > 0)
            {
                expected[key] = kept;
            }
        }

        return expected;
    }
}
