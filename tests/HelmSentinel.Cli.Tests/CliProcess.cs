using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>Runs the built <c>helm-sentinel</c> (and helm or kubectl) as real processes with a private HOME, each with a timeout.</summary>
internal static class CliProcess
{
    /// <summary>Longer than any deploy a test asks for; a process still running then is killed and the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "helm-sentinel.dll");

    public static Task<Result> RunAsync(IsolatedHome home, params string[] args) => RunToolAsync(home, "dotnet", [Dll, .. args]);

    /// <summary>Runs any program with the home's environment; killed after <see cref="Timeout"/>.</summary>
    public static async Task<Result> RunToolAsync(IsolatedHome home, string program, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(program, args, home.Environment, Timeout);
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>A helm wrapper that appends each invocation's arguments to a log, then runs the real helm.</summary>
    public static (string Helm, string Log) RecordingHelm(IsolatedHome home, int major)
    {
        var log = Path.Combine(home.Root, "helm-calls.log");
        var script = Path.Combine(home.Root, "helm");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$*\" >> '{log}'\nexec '{Tools.Helm(major)}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return (script, log);
    }

    public static IReadOnlyList<string> Calls(string log) => File.Exists(log) ? File.ReadAllLines(log) : [];
}
