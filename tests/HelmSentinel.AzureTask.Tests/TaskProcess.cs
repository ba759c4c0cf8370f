using HelmSentinel.TestSupport;

namespace HelmSentinel.AzureTask.Tests;

/// <summary>
/// Runs the task the way the agent does: <c>node index.js</c> from a task folder (the shim from
/// <c>azure-task/index.js</c>, with <c>bin/</c> holding the built <c>HelmSentinel.AzureTask.dll</c>), with only
/// the environment given here on top of PATH.
/// </summary>
internal static class TaskProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;

        public IReadOnlyList<string> Lines => Stdout.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

        /// <summary>The logging commands (<c>##vso[</c> lines), in order.</summary>
        public IReadOnlyList<string> Commands => [.. Lines.Where(l => l.StartsWith("##vso[", StringComparison.Ordinal))];

        /// <summary>Output without the <c>task.setsecret</c> lines (which carry secrets to the agent by design).</summary>
        public string Visible => string.Join('\n', (Stdout + "\n" + Stderr).Split('\n').Where(l => !l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal)));
    }

    /// <summary>Lays out a task folder under <paramref name="root"/>: index.js and bin/ → the built task.</summary>
    public static string Layout(string root)
    {
        var folder = Path.Combine(root, "HelmSentinel");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Tools.RepoRoot, "azure-task", "index.js"), Path.Combine(folder, "index.js"), overwrite: true);
        var bin = Path.Combine(folder, "bin");
        if (!Directory.Exists(bin))
        {
            Directory.CreateSymbolicLink(bin, AppContext.BaseDirectory);
        }

        return folder;
    }

    public static async Task<Result> RunAsync(string taskFolder, IReadOnlyDictionary<string, string?> environment, string node = "node")
    {
        var result = await ProcessRunner.RunAsync(node, [Path.Combine(taskFolder, "index.js")], environment, workingDirectory: taskFolder);
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
