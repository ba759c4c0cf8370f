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

    private static string WithPercentsDecoded(string data) => data.Replace("%AZP25", "%", StringComparison.Ordinal);

    private static string[] Split(string text) => text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

    private static string WithoutZeroWidthSpaces(string text) => text.Replace("\u200B", "", StringComparison.Ordinal);
}
