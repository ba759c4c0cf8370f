using System.Text;
using CliWrap;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>Runs the built <c>helm-sentinel</c> as a real process with a private HOME.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(IsolatedHome home, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "helm-sentinel.dll");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([dll, .. args])
            .WithEnvironmentVariables(home.Environment.AsReadOnly())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync();
        return new Result(result.ExitCode, stdout.ToString(), stderr.ToString());
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
