using System.Runtime.InteropServices;
using HelmSentinel.Cli;

// The first SIGINT (Ctrl+C) or SIGTERM (kill, a runner cancelling the job) stops gracefully: a deploy interrupts helm,
// which marks the release failed; the simulator shuts down. A second one ends the process at once.
using var cancel = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await CliApp.RunAsync(args, Console.Out, Console.Error, cancel.Token);
