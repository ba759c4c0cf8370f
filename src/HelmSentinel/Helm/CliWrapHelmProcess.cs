using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;

namespace HelmSentinel.Helm;

/// <summary>Runs helm through CliWrap with an argument list and a fixed environment.</summary>
public sealed class CliWrapHelmProcess : IHelmProcess
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly TimeSpan _killGrace;

    /// <param name="environment">Variables set (or, with a null value, removed) for every helm run.</param>
    /// <param name="killGrace">How long a cancelled helm may take to stop after SIGINT before it is killed.</param>
    public CliWrapHelmProcess(IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? killGrace = null)
    {
        _environment = environment ?? new Dictionary<string, string?>();
        _killGrace = killGrace ?? TimeSpan.FromSeconds(30);
    }

    /// <inheritdoc />
    public async Task<HelmProcessResult> RunAsync(HelmInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var sink = invocation.OnOutputLine;
        var outTarget = sink is null
            ? PipeTarget.ToStringBuilder(stdout)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(stdout), PipeTarget.ToDelegate(sink));
        var errTarget = sink is null
            ? PipeTarget.ToStringBuilder(stderr)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(stderr), PipeTarget.ToDelegate(sink));

        var command = Cli.Wrap(invocation.HelmPath)
            .WithArguments(invocation.Arguments)
            .WithEnvironmentVariables(_environment)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(outTarget)
            .WithStandardErrorPipe(errTarget);

        // Graceful first: helm's SIGINT handler marks the release failed instead of leaving a pending lock.
        using var forceful = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
        var grace = invocation.KillOnCancel ? TimeSpan.Zero : _killGrace;
        using var registration = cancellationToken.Register(() => forceful.CancelAfter(grace));
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await command.ExecuteAsync(forceful.Token, cancellationToken);
            return new HelmProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted on purpose (fail-fast or the caller's cancellation): what helm printed still matters.
            return new HelmProcessResult(-1, stdout.ToString(), stderr.ToString(), clock.Elapsed, Cancelled: true);
        }
        catch (Win32Exception e)
        {
            throw NotStarted(invocation.HelmPath, e);
        }
        catch (InvalidOperationException e) when (e.InnerException is Win32Exception start)
        {
            throw NotStarted(invocation.HelmPath, start);
        }
    }

    private static HelmNotFoundException NotStarted(string helmPath, Win32Exception start) =>
        new(helmPath, Problem(helmPath, Environment.GetEnvironmentVariable("PATH"), new Win32Exception(start.NativeErrorCode).Message), start);

    /// <summary>
    /// Why <paramref name="helmPath"/> did not start, in one clause: the file tried, and whether PATH was searched.
    /// .NET's own message ("An error occurred trying to start process … with working directory …") names neither.
    /// </summary>
    /// <param name="helmPath">The path or bare name that was given.</param>
    /// <param name="path">The PATH the name was looked up on (this process's: .NET resolves a bare name with it).</param>
    /// <param name="osError">The operating system's error text, for a file that exists and still did not start.</param>
    internal static string Problem(string helmPath, string? path, string osError)
    {
        ArgumentNullException.ThrowIfNull(helmPath);
        if (helmPath.Length == 0)
        {
            return "no helm binary was given (an empty path)";
        }

        if (IsPath(helmPath))
        {
            var where = Path.IsPathRooted(helmPath) ? $"'{helmPath}'" : $"'{helmPath}' (relative to {Environment.CurrentDirectory})";
            return Directory.Exists(helmPath) ? $"{where} is a directory, not the helm binary; a path is used as given, PATH is not searched"
                : !File.Exists(helmPath) ? $"there is no file at {where}; a path is used as given, PATH is not searched"
                : !IsExecutable(helmPath) ? $"{where} is not executable ({Mode(helmPath)}); make it executable (chmod +x) if it is helm"
                : $"{where} could not be started: {osError}";
        }

        var directories = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (directories.Length == 0)
        {
            return $"'{helmPath}' was looked up on PATH, but PATH is empty";
        }

        string[] names = OperatingSystem.IsWindows() ? [helmPath, helmPath + ".exe"] : [helmPath];
        var found = directories.SelectMany(d => names.Select(n => Path.Combine(d, n))).Where(File.Exists).ToList();
        return found.FirstOrDefault(IsExecutable) is { } file ? $"'{helmPath}' was found on PATH at '{file}' but could not be started: {osError}"
            : found.Count > 0 ? $"'{helmPath}' was looked up on PATH and found only at '{found[0]}', which is not executable ({Mode(found[0])})"
            : $"'{helmPath}' was looked up on PATH and is in none of its {directories.Length} directories ({string.Join(Path.PathSeparator, directories)})";
    }

    private static bool IsPath(string helmPath) =>
        Path.IsPathRooted(helmPath) || helmPath.Contains('/', StringComparison.Ordinal) || (OperatingSystem.IsWindows() && helmPath.Contains('\\', StringComparison.Ordinal));

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static string Mode(string file) =>
        OperatingSystem.IsWindows() ? "not a program" : "mode " + Convert.ToString((int)File.GetUnixFileMode(file), 8);
}
