using System.Collections;
using System.Runtime.InteropServices;
using HelmSentinel;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Platforms;
using HelmSentinel.Platforms.AzureDevOps;
using HelmSentinel.Resilience.Helm;

// The Azure Pipelines task: started by index.js (the Node handler) with the environment the agent built.
var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
var output = Console.Out;
var context = AzureTaskContext.Parse(environment);
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
var reporter = new AzureTaskReporter(output, context, http);
reporter.RegisterSecrets();
// The agent cancels a task with SIGINT, then SIGTERM: both interrupt helm gracefully through the engine.
using var cancel = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });

if (context.Errors.Count > 0)
{
    return await reporter.FinishAsync(AzureTaskReport.Rejected(context.Release, context.Namespace, context.Errors), new SecretMasker(context.Secrets));
}

using var kubeconfig = context.Cluster is { } cluster ? TemporaryKubeconfig.Write(cluster.Kubeconfig, context.TempDirectory) : null;
var inputs = context.DeployInputsWith(kubeconfig?.Path).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
inputs["secrets"] = context.Secrets;
var (request, errors) = DeployInputs.Parse(inputs);
errors = request is null ? errors : DeployRequestValidator.Validate(request); // here too, to name the task's inputs
if (request is null || errors.Count > 0)
{
    return await reporter.FinishAsync(AzureTaskReport.Rejected(context.Release, context.Namespace, errors), new SecretMasker(context.Secrets));
}

await reporter.StartAsync(request.Release, cancel.Token);
var engine = new DeployEngine(new CliWrapHelmProcess(AzureTaskContext.WithoutCredentials(environment.Keys)), new AzureDeployLog(output), TimeProvider.System, new HelmRetryOptions());
var outcome = await engine.DeployAsync(request, cancel.Token);
return await reporter.FinishAsync(outcome, new SecretMasker(request.Secrets), CancellationToken.None);
