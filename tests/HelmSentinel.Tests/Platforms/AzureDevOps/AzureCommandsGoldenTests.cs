using System.Runtime.CompilerServices;
using System.Text;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Tests.Reporting;

namespace HelmSentinel.Tests.Platforms.AzureDevOps;

public sealed class AzureCommandsGoldenTests
{
    [Fact]
    public void TheClosingCommands_ForEveryKindOfOutcome_MatchTheGoldenFile()
    {
        var masker = new SecretMasker([Outcomes.Secret]);
        var text = new StringBuilder();
        foreach (var (name, outcome) in new[]
        {
            (nameof(Outcomes.Succeeded), Outcomes.Succeeded),
            (nameof(Outcomes.RolledBack), Outcomes.RolledBack),
            (nameof(Outcomes.FailFastRolledBack), Outcomes.FailFastRolledBack),
            (nameof(Outcomes.FirstInstallUninstalled), Outcomes.FirstInstallUninstalled),
            (nameof(Outcomes.RollbackFailed), Outcomes.RollbackFailed),
            (nameof(Outcomes.Rejected), Outcomes.Rejected),
        })
        {
            text.Append("# ").Append(name).Append('\n');
            foreach (var command in AzureTaskReport.Commands(outcome, masker, "/agent/_temp/" + AzureTaskReport.SummaryFileName(outcome.Release, outcome.Namespace)))
            {
                text.Append(command).Append('\n');
            }

            text.Append(AzureTaskReport.Complete(outcome, masker)).Append("\n\n");
        }

        text.ToString().Should().NotContain(Outcomes.Secret);
        GoldenFile.Verify(text.ToString(), "azure-commands.txt", OneFolderUp());
    }

    // GoldenFile finds TestData next to its caller's folder; this file is one folder deeper.
    private static string OneFolderUp([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", Path.GetFileName(path));
}
