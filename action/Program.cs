using System.Collections;
using System.Runtime.InteropServices;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.Text;
using HelmSentinel.Platforms.GitHub;

// The GitHub Action's entry: the environment in, the exit code out. Everything else is in
// HelmSentinel.Platforms.GitHub (pure parsing and formatting, the Octokit reporter) and the deploy engine.
var environment = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
{
    environment[(string)variable.Key] = (string?)variable.Value ?? "";
}

// Test and troubleshooting knob: the longest wait between GitHub API retries (a Go duration such as 10ms).
var services = new GitHubActionServices();
if (environment.TryGetValue("HELM_SENTINEL_GITHUB_RETRY_DELAY", out var delay) && GoDuration.TryParse(delay, out var wait))
{
    services = services with { GitHubRetry = GitHubRetryOptions.Fast(wait) };
}

// The runner cancels a step with SIGINT, then SIGTERM: both interrupt helm gracefully (the engine then restores).
using var cancellation = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true, NewLine = "\n" };
var exitCode = await GitHubAction.RunAsync(environment, stdout, services, cancellation.Token);
await stdout.FlushAsync();
return exitCode;

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
