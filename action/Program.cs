using System.Collections;
using System.Runtime.InteropServices;
using HelmSentinel.Platforms.GitHub;

// The GitHub Action's entry: the environment in, the exit code out; the run is GitHubAction.RunAsync.
var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

// The runner cancels a step with SIGINT, then SIGTERM: both interrupt helm gracefully (the engine then restores).
using var cancellation = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancellation.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancellation.Cancel(); });

await using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true, NewLine = "\n" };
return await GitHubAction.RunAsync(environment, stdout, new GitHubActionServices(), cancellation.Token);
