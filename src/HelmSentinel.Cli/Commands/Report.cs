using HelmSentinel.Deploy;
using HelmSentinel.Reporting;

namespace HelmSentinel.Cli.Commands;

/// <summary>Prints an outcome for people and writes the Markdown report when asked.</summary>
internal static class Report
{
    public static async Task WriteAsync(DeployOutcome outcome, DeployRequest request, string? summaryFile, TextWriter stdout)
    {
        var masker = new SecretMasker(request.MaskedValues);
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(TextReport.Render(outcome, masker));
        if (summaryFile is not null)
        {
            await File.WriteAllTextAsync(summaryFile, MarkdownReport.Render(outcome, masker));
            await stdout.WriteLineAsync($"report written to {summaryFile}");
        }
    }
}
