using CsCheck;
using HelmSentinel.Platforms.AzureDevOps;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// Azure Pipelines logging commands and plain log lines, read back with <see cref="AzureAgentModel"/>: every command is
/// one line the agent reads back to the values it was given (exactly with <c>DECODE_PERCENTS</c> on, its default; with it
/// off, never turned into another character), and text from helm or a chart never runs a command.
/// </summary>
public sealed class AzureCommandProperties
{
    private static readonly Gen<string> VariableName = Gen.Frequency(
        (6, Gen.OneOf("result", "revision", "restoredRevision", "previousRevision", "failureReason", "helm_sentinel.result")),
        (2, Generators.Text));

    [Fact]
    public void EveryCommand_IsOneLine_ThatTheAgentReadsBackToItsValues() =>
        Gen.Select(Generators.Hostile, VariableName, Gen.Bool).Sample((value, name, succeeded) =>
        {
            var commands = new List<(string Line, string Area, string Event, (string Key, string Value)[] Properties)>
            {
                (AzureCommands.SetSecret(value), "task", "setsecret", []),
                (AzureCommands.Error(value), "task", "logissue", [("type", "error")]),
                (AzureCommands.Warning(value), "task", "logissue", [("type", "warning")]),
                (AzureCommands.UploadSummary(value), "task", "uploadsummary", []),
                (AzureCommands.AddBuildTag(value), "build", "addbuildtag", []),
                (AzureCommands.Complete(succeeded, value), "task", "complete", [("result", succeeded ? "Succeeded" : "Failed")]),
            };
            try
            {
                commands.Add((AzureCommands.SetOutput(name, value), "task", "setvariable", [("variable", name), ("isOutput", "true"), ("issecret", "false")]));
            }
            catch (ArgumentException)
            {
                var variable = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');
                variable.Should().BeFalse("{0} is a variable name", Generators.Show(name));
            }

            foreach (var (line, area, @event, properties) in commands)
            {
                var lines = RunnerText.Lines(line);
                var decoded = AzureAgentModel.Parse(line, decodePercents: true);
                var raw = AzureAgentModel.Parse(line, decodePercents: false);
                var read = lines.Count == 1 && lines[0] == line && decoded is not null && raw is not null
                    && decoded.Area == area && decoded.Event == @event && decoded.Data == value
                    && decoded.Properties.Count == properties.Length && properties.All(p => decoded.Properties.TryGetValue(p.Key, out var v) && v == p.Value)
                    && WithPercentsDecoded(raw.Data) == value;
                if (!read)
                {
                    lines.Should().Equal([line], "a command is one line");
                    decoded.Should().NotBeNull("the agent must read {0}", Generators.Show(line));
                    (decoded!.Area, decoded.Event).Should().Be((area, @event));
                    decoded.Data.Should().Be(value, "the agent (DECODE_PERCENTS on) must read {0} back", Generators.Show(line));
                    decoded.Properties.Should().BeEquivalentTo(properties.ToDictionary(p => p.Key, p => p.Value));
                    WithPercentsDecoded(raw!.Data).Should().Be(value, "with DECODE_PERCENTS off only %AZP25 may stay as it is in {0}", Generators.Show(line));
                }
            }
        }, iter: Generators.Iterations, threads: 1, print: t => $"({Generators.Show(t.Item1)}, {Generators.Show(t.Item2)}, {t.Item3})");

    [Fact]
    public void PlainLines_AreSingleLines_ThatRunNoCommand_AndKeepTheText() =>
        Generators.Hostile.Sample(text =>
        {
            var lines = AzureCommands.PlainLines(text).ToList();
            var expected = Split(text).Select(WithoutZeroWidthSpaces).ToList();

            var plain = lines.All(line => RunnerText.Lines(line).Count <= 1 && !line.Contains("##[", StringComparison.Ordinal)
                    && AzureAgentModel.Parse(line, decodePercents: true) is null or { Runs: false })
                && lines.Select(WithoutZeroWidthSpaces).SequenceEqual(expected);
            if (!plain)
            {
                foreach (var line in lines)
                {
                    RunnerText.Lines(line).Should().HaveCountLessThanOrEqualTo(1, "{0} is one line", Generators.Show(line));
                    AzureAgentModel.Parse(line, decodePercents: true).Should().Match<AzureAgentModel.Command?>(c => c == null || !c.Runs, "{0} must run nothing", Generators.Show(line));
                    line.Should().NotContain("##[", "the log viewer reads {0} as formatting", Generators.Show(line));
                }

                lines.Select(WithoutZeroWidthSpaces).Should().Equal(expected);
            }
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    [Fact]
    public void AzureDeployLog_WritesOnlyTheCommandsItMeans_WhateverTheMessages() =>
        LogSteps.Gen.Array[1, 12].Sample(steps =>
        {
            var writer = new StringWriter { NewLine = "\n" };
            var log = new AzureDeployLog(writer);
            var expected = new List<string>();
            var groups = new Stack<IDisposable>();
            foreach (var step in steps)
            {
                switch (step.Kind)
                {
                    case LogStepKind.Info:
                        log.Info(step.Text);
                        break;
                    case LogStepKind.Warning:
                        log.Warning(step.Text);
                        expected.Add("warning:" + step.Text);
                        break;
                    case LogStepKind.Error:
                        log.Error(step.Text);
                        expected.Add("error:" + step.Text);
                        break;
                    case LogStepKind.Group:
                        groups.Push(log.Group(step.Text));
                        break;
                    case LogStepKind.EndGroup when groups.Count > 0:
                        groups.Pop().Dispose();
                        break;
                    default:
                        break;
                }
            }

            var output = writer.ToString();
            var read = RunnerText.Lines(output).Select(l => AzureAgentModel.Parse(l, decodePercents: true)).Where(c => c is { Runs: true })
                .Select(c => c!.Properties["type"] + ":" + c.Data).ToList();
            read.Should().Equal(expected);
            RunnerText.Lines(output).Count(l => l.StartsWith("##[group]", StringComparison.Ordinal))
                .Should().Be(steps.Count(s => s.Kind == LogStepKind.Group));
        }, iter: Generators.Iterations, threads: 1, print: LogSteps.Show);

    // Shrunk counterexamples. The agent decoded the literal "%3B" into ';': task.setsecret registered another value.
    [Fact]
    public void SetSecret_ALiteralPercentSequence_IsReadBackAsWritten()
    {
        const string Secret = "\u000F3h+X\u200B<<  ::stop-commands::%3B";

        var line = AzureCommands.SetSecret(Secret);

        line.Should().Be("##vso[task.setsecret]\u000F3h+X\u200B<<  ::stop-commands::%AZP253B");
        AzureAgentModel.Parse(line, decodePercents: true)!.Data.Should().Be(Secret);
        AzureAgentModel.Parse(line, decodePercents: false)!.Data.Should().NotContain(";");
    }

    // A literal "%0D" became a carriage return in the warning.
    [Fact]
    public void Warning_ALiteralEscapedCarriageReturn_StaysText()
    {
        var line = AzureCommands.Warning("../thvg.tgz%0D\uD83D\uDE00");

        line.Should().Be("##vso[task.logissue type=warning]../thvg.tgz%AZP250D\uD83D\uDE00");
        AzureAgentModel.Parse(line, decodePercents: true)!.Data.Should().Be("../thvg.tgz%0D\uD83D\uDE00");
    }

    [Fact]
    public void Escape_LeavesAPercentThatStartsNoSequence_AndEscapesALiteralAzp25()
    {
        AzureCommands.Escape("100% of 5%").Should().Be("100% of 5%");
        AzureCommands.Escape("%AZP25").Should().Be("%AZP25AZP25");
        AzureCommands.Escape("%%3B;").Should().Be("%%AZP253B%3B");
    }

    // The agent dropped the empty variable name ("variable=" has no value), so the command set nothing.
    [Fact]
    public void SetOutput_AnEmptyName_IsRefused()
    {
        var act = () => AzureCommands.SetOutput("", "xrq");

        act.Should().Throw<ArgumentException>();
    }

    // A lone '\r' ends a line for the agent: the last of "L\n\r" was lost, and a '\r' inside a line split it in two.
    [Fact]
    public void PlainLines_ALoneCarriageReturn_EndsALine()
    {
        AzureCommands.PlainLines("L\n\r").Should().Equal("L", "", "");
    }

    // The defusing wrote "##VSO[" as "#\u200B#vso[".
    [Fact]
    public void PlainLines_KeepTheCaseOfWhatTheyDefuse()
    {
        AzureCommands.PlainLines("\u212A##VSO[%25q").Should().Equal("\u212A#\u200B#VSO[%25q");
    }

    private static string WithPercentsDecoded(string data) => data.Replace("%AZP25", "%", StringComparison.Ordinal);

    private static string[] Split(string text) => text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

    private static string WithoutZeroWidthSpaces(string text) => text.Replace("\u200B", "", StringComparison.Ordinal);
}
