using System.Collections;
using System.Runtime.InteropServices;
using HelmSentinel.Platforms.AzureDevOps;

// The Azure Pipelines task's entry, started by index.js with the environment the agent built; the run is AzureTask.RunAsync.
var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

// The agent cancels a task with SIGINT, then SIGTERM: both interrupt helm gracefully (the engine then restores).
using var cancellation = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancellation.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancellation.Cancel(); });

return await AzureTask.RunAsync(environment, Console.Out, new AzureTaskServices(), cancellation.Token);
