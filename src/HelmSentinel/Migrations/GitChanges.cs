using System.ComponentModel;
using System.Text;
using CliWrap;

namespace HelmSentinel.Migrations;

/// <summary>The files a pull request adds or changes, from the real git (through CliWrap, as helm is run).</summary>
public static class GitChanges
{
    /// <summary>The files added, copied, modified or renamed between the merge base of <paramref name="baseRevision"/> and
    /// <c>HEAD</c> (<c>git diff --name-only BASE...HEAD</c>), relative to <paramref name="folder"/> with <c>/</c>; deleted
    /// files are left out (there is nothing left to lint).</summary>
    /// <exception cref="MigrationLintException">Git does not know the base, the folder is no work tree, or there is no git.</exception>
    public static async Task<IReadOnlyList<string>> ChangedSinceAsync(string folder, string baseRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseRevision);
        if (baseRevision.StartsWith('-'))
        {
            throw new MigrationLintException($"'{baseRevision}' is not a revision: it starts with '-'.");
        }

        // Whether git knows the base is asked first, so that its answer names the base and not the range.
        var known = await RunAsync(folder, ["rev-parse", "--verify", "--quiet", "--end-of-options", baseRevision + "^{commit}"], cancellationToken);
        if (known.ExitCode != 0)
        {
            var inTree = await RunAsync(folder, ["rev-parse", "--is-inside-work-tree"], cancellationToken);
            // git's own words when it refuses the folder (not a repository, or "dubious ownership" in a container).
            throw new MigrationLintException(inTree.ExitCode != 0
                ? $"'{folder}' is not inside a Git work tree git will read ({inTree.Error.Trim().Split('\n')[0]}), so the files changed since '{baseRevision}' cannot be found: run in the checkout."
                : $"Git does not know the revision '{baseRevision}'; fetch it (a shallow checkout lacks the base: fetch-depth: 0, or git fetch origin <branch>).");
        }

        var diff = await RunAsync(folder, ["diff", "--name-only", "--relative", "--diff-filter=ACMR", "-z", baseRevision + "...HEAD"], cancellationToken);
        if (diff.ExitCode != 0)
        {
            throw new MigrationLintException($"git diff {baseRevision}...HEAD failed: {diff.Error.Trim()}");
        }

        return [.. diff.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string folder, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        try
        {
            var result = await Cli.Wrap("git")
                .WithArguments(["-C", folder, "-c", "core.quotePath=false", .. arguments])
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
                .ExecuteAsync(cancellationToken);
            return (result.ExitCode, output.ToString(), error.ToString());
        }
        catch (Win32Exception e)
        {
            throw new MigrationLintException("git was not found on PATH; the files changed by the pull request need it: install git, or leave the base out to lint every matched file.", e);
        }
    }
}
