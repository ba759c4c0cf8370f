using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;

namespace HelmSentinel.Helm;

/// <summary>One helm run: the binary, its argument list and a sink for live output lines.</summary>
/// <param name="HelmPath">The helm binary (path or name on PATH).</param>
/// <param name="Arguments">The argument list, passed as-is (never through a shell).</param>
/// <param name="OnOutputLine">Receives each stdout and stderr line as it arrives; null to stay quiet.</param>
public sealed record HelmInvocation(string HelmPath, IReadOnlyList<string> Arguments, Action<string>? OnOutputLine = null);

/// <summary>What a helm run returned.</summary>
/// <param name="ExitCode">The process exit code (helm uses 0 and 1 only).</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="Cancelled">True when the run was interrupted by cancellation rather than ending by itself.</param>
public sealed record HelmProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration, bool Cancelled = false)
{
    /// <summary>True when helm exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The error text helm printed, without its <c>Error: </c> prefix and without warnings.</summary>
    public string ErrorText
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var start = Array.FindIndex(lines, l => l.StartsWith("Error: ", StringComparison.Ordinal));
            if (start < 0)
            {
                return StandardError.Trim();
            }

            lines[start] = lines[start]["Error: ".Length..];
            return string.Join('\n', lines[start..]);
        }
    }
}

/// <summary>The one process seam: runs helm. Tests script it; production uses <see cref="CliWrapHelmProcess"/>.</summary>
public interface IHelmProcess
{
    /// <summary>Runs helm to completion. Cancelling <paramref name="cancellationToken"/> interrupts helm
    /// gracefully (SIGINT, so Helm marks the release failed) and kills it after a grace period.</summary>
    /// <exception cref="HelmNotFoundException">The binary could not be started.</exception>
    Task<HelmProcessResult> RunAsync(HelmInvocation invocation, CancellationToken cancellationToken = default);
}

/// <summary>The helm binary could not be started (missing, not executable).</summary>
public sealed class HelmNotFoundException : Exception
{
    public HelmNotFoundException(string helmPath, Exception inner)
        : base($"Cannot run helm at '{helmPath}': {inner.Message}. Install Helm 3 or 4, or pass its path with --helm.", inner)
    {
        HelmPath = helmPath;
    }

    /// <summary>The path that was tried.</summary>
    public string HelmPath { get; } = "";
}

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
        using var registration = cancellationToken.Register(() => forceful.CancelAfter(_killGrace));
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
            throw new HelmNotFoundException(invocation.HelmPath, e);
        }
        catch (InvalidOperationException e) when (e.InnerException is Win32Exception)
        {
            throw new HelmNotFoundException(invocation.HelmPath, e.InnerException);
        }
    }
}
