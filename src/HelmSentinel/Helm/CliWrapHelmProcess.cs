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
