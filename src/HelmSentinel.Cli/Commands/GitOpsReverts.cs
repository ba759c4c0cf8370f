using HelmSentinel.GitOps;
using HelmSentinel.GitOps.Revert;

namespace HelmSentinel.Cli.Commands;

/// <summary>The revert a command line can make, from what its environment holds.</summary>
internal static class GitOpsReverts
{
    /// <summary>The revert for <paramref name="request"/>, or why it cannot be made (then nothing runs).</summary>
    public static Func<GitOpsOutcome, CancellationToken, Task<GitOpsRevertReport>>? ForCli(
        GitOpsRequest request, string? githubTokenVariable, Func<string, string?> environment, out string? refused)
    {
        refused = null;
        if (request.Revert == RevertMode.None)
        {
            return null;
        }

        refused = "invalid input '--revert': the revert is not available in this build yet; use --revert none";
        return null;
    }
}
