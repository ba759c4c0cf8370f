using System.Diagnostics;

namespace HelmSentinel.TestSupport;

/// <summary>The result of one child process run by a test.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Both streams, stdout first.</summary>
    public string All => StandardOutput + StandardError;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// The tests' one way to run a child process (helm, kubectl, node, the built entry points): an argument list (never a
/// shell), an environment merged over the inherited one (a null value removes a variable), captured output, and a
/// timeout after which the whole process tree is killed and the test fails saying what hung.
/// </summary>
public static class ProcessRunner
{
    /// <summary>How long a child process may run unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IEnumerable<KeyValuePair<string, string?>>? environment = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        var args = arguments.ToList();
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in args)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout ?? DefaultTimeout}; killed it.\n" +
                $"stdout so far:\n{await stdout}\nstderr so far:\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
