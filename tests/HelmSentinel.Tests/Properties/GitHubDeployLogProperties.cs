using System.Text.RegularExpressions;
using CsCheck;
using HelmSentinel.Platforms.GitHub;

namespace HelmSentinel.Tests.Properties;

/// <summary>
/// The live log of a GitHub step, read back with <see cref="GitHubRunnerModel"/>: whatever helm, a chart or the engine
/// write, the runner sees exactly the commands the log means (its warnings, errors and outer groups) and nothing else.
/// </summary>
public sealed class GitHubDeployLogProperties
{
    [Fact]
    public void Defuse_LeavesNoLineTheRunnerReadsAsACommand_AndKeepsTheText() =>
        Generators.Hostile.Sample(text =>
        {
            var defused = GitHubDeployLog.Defuse(text);

            foreach (var line in RunnerText.Lines(defused))
            {
                GitHubRunnerModel.Parse(line).Should().BeNull("{0} must not be a command", Generators.Show(line));
            }

            WithoutZeroWidthSpaces(defused).Should().Be(WithoutZeroWidthSpaces(text));
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    [Fact]
    public void GitHubDeployLog_WritesOnlyTheCommandsItMeans_WhateverTheMessages() =>
        Gen.Select(LogSteps.Gen.Array[1, 12], Gen.OneOf("\n", "\r\n")).Sample((steps, newLine) =>
        {
            var writer = new StringWriter { NewLine = newLine };
            var log = new GitHubDeployLog(writer);
            var expected = new List<(string Name, string Data)>();
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
                        expected.Add(("warning", step.Text));
                        break;
                    case LogStepKind.Error:
                        log.Error(step.Text);
                        expected.Add(("error", step.Text));
                        break;
                    case LogStepKind.Group:
                        // GitHub does not nest groups: an inner one is a plain heading.
                        if (groups.Count == 0)
                        {
                            expected.Add(("group", step.Text));
                        }

                        groups.Push(log.Group(step.Text));
                        break;
                    case LogStepKind.EndGroup when groups.Count > 0:
                        groups.Pop().Dispose();
                        if (groups.Count == 0)
                        {
                            expected.Add(("endgroup", ""));
                        }

                        break;
                    default:
                        break;
                }
            }

            var commands = GitHubRunnerModel.Commands(writer.ToString());
            commands.Select(c => (c.Name, c.Data)).Should().Equal(expected, (actual, wanted) =>
                actual.Name == wanted.Name && GitHubRunnerModel.AsWritten(actual.Data, wanted.Data) == wanted.Data);
        }, iter: Generators.Iterations, threads: 1, print: t => LogSteps.Show(t.Item1) + " with NewLine " + Generators.Show(t.Item2));

    [Fact]
    public void Info_WritesEachLineOfTheMessage_AsTextTheRunnerShows() =>
        Generators.Hostile.Sample(message =>
        {
            var writer = new StringWriter { NewLine = "\n" };

            new GitHubDeployLog(writer).Info(message);

            var lines = RunnerText.Lines(writer.ToString());
            var expected = Regex.Split(message, "\r\n|\r|\n").Select(WithoutZeroWidthSpaces).ToList();
            if (lines.Any(line => GitHubRunnerModel.Parse(line) is not null) || !lines.Select(WithoutZeroWidthSpaces).SequenceEqual(expected))
            {
                lines.Should().AllSatisfy(line => GitHubRunnerModel.Parse(line).Should().BeNull());
                lines.Select(WithoutZeroWidthSpaces).Should().Equal(expected);
            }
        }, iter: Generators.Iterations, threads: 1, print: Generators.Show);

    // Shrunk counterexamples: the runner still reads the legacy "##[name]data" form anywhere in a line.
    [Fact]
    public void Defuse_ALegacyCommandOnTheSecondLine_IsDefused()
    {
        var defused = GitHubDeployLog.Defuse("\n##[error]ev//");

        defused.Should().Be("\n#\u200B#[error]ev//");
        GitHubRunnerModel.Commands(defused).Should().BeEmpty();
    }

    [Fact]
    public void Defuse_EveryLineOfTheText_NotOnlyTheFirst()
    {
        var defused = GitHubDeployLog.Defuse(":irjnmk\n::stop-commands::\u0002/\\\\server\\sharek");

        defused.Should().Be(":irjnmk\n:\u200B:stop-commands::\u0002/\\\\server\\sharek");
        GitHubRunnerModel.Commands(defused).Should().BeEmpty();
    }

    [Fact]
    public void Info_ALegacyCommand_IsDefused()
    {
        var writer = new StringWriter { NewLine = "\n" };

        new GitHubDeployLog(writer).Info("##[error]");

        writer.ToString().Should().Be("#\u200B#[error]\n");
    }

    // A lone '\r' ends a line for the runner: what follows it was read as a command (here add-mask).
    [Fact]
    public void Info_ALineAfterALoneCarriageReturn_IsDefused()
    {
        var writer = new StringWriter { NewLine = "\n" };

        new GitHubDeployLog(writer).Info("7kwrlzcYu\r::add-mask::a%%::stop-commands::##");

        writer.ToString().Should().Be("7kwrlzcYu\n:\u200B:add-mask::a%%::stop-commands::##\n");
        GitHubRunnerModel.Commands(writer.ToString()).Should().BeEmpty();
    }

    private static string WithoutZeroWidthSpaces(string text) => text.Replace("\u200B", "", StringComparison.Ordinal);
}
