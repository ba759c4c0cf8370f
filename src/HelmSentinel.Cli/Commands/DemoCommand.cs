using System.CommandLine;
using System.Reflection;
using HelmSentinel.Cli.Parsing;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Simulator;
using HelmSentinel.Text;

namespace HelmSentinel.Cli.Commands;

/// <summary>
/// <c>helm-sentinel demo</c>: the main job on the embedded default. Starts the simulator, deploys the
/// bundled chart at 1.0.0 (healthy), then 2.0.0 (its image crashes), and shows the guarded deploy
/// catching the failure and putting 1.0.0 back.
/// </summary>
internal sealed class DemoCommand : CliCommand
{
    private const string Release = "demo-web";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Option<string?> _helm = CliOptions.Text(
        "--helm", "PATH", "helm binary (default: the pinned one of --helm-major under .tools/, else helm on PATH)");

    private readonly Option<int?> _helmMajor = CliOptions.WholeNumber(
        "--helm-major", "3|4", "which pinned helm to use (default: 4)", n => PinnedHelm.Majors.Contains(n) ? null : "is not 3 or 4");

    private readonly Option<TimeSpan?> _timeout = CliOptions.Duration(
        "--timeout", $"timeout of each deploy (default: {GoDuration.FormatCompact(DefaultTimeout)})");

    private readonly Option<string?> _summaryFile = CliOptions.Text(
        "--summary-file", "F", "where to write the Markdown report of the rollback (default: helm-sentinel-demo-report.md in the temp folder)");

    public DemoCommand()
        : base("demo", "Start the simulator and show a healthy deploy, then a broken one rolled back.")
    {
        Options.Add(_helm);
        Options.Add(_helmMajor);
        Options.Add(_timeout);
        Options.Add(_summaryFile);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var helm = parse.GetValue(_helm) ?? FindPinnedHelm(parse.GetValue(_helmMajor) ?? 4);
        if (helm is null)
        {
            await stderr.WriteLineAsync(
                "error: --helm: no helm found. Run .ci/fetch-tools.sh (pinned Helm 3 and 4 into .tools/) or pass --helm PATH.");
            return ExitCodes.Unreachable;
        }

        var timeout = parse.GetValue(_timeout) ?? DefaultTimeout;
        var work = Directory.CreateTempSubdirectory("helm-sentinel-demo-");
        try
        {
            await using var simulator = await KubeSimulator.StartAsync(new SimulatorOptions(), cancellationToken);
            var kubeconfig = simulator.WriteKubeconfig(Path.Combine(work.FullName, "kubeconfig"));
            await stdout.WriteLineAsync($"simulated cluster at {simulator.BaseAddress}; helm: {helm}");

            var engine = new DeployEngine(
                new CliWrapHelmProcess(PrivateHelmHome(work.FullName)),
                new TextDeployLog(stdout),
                TimeProvider.System,
                new HelmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200) });

            DeployRequest Request(string version, params string[] set) => new()
            {
                Release = Release,
                Chart = WriteChart(work.FullName, version),
                Namespace = "default",
                Kubeconfig = kubeconfig,
                HelmPath = helm,
                Timeout = timeout,
                Set = set,
            };

            await stdout.WriteLineAsync("\n### Step 1: deploy demo-web 1.0.0 (healthy image)\n");
            var first = await engine.DeployAsync(Request("1.0.0"), cancellationToken);
            await Report.WriteAsync(first, Request("1.0.0"), null, stdout);

            await stdout.WriteLineAsync("\n### Step 2: upgrade to demo-web 2.0.0 (its image crashes on start)\n");
            var second = await engine.DeployAsync(Request("2.0.0"), cancellationToken);
            var summary = parse.GetValue(_summaryFile) ?? Path.Combine(Path.GetTempPath(), "helm-sentinel-demo-report.md");
            await Report.WriteAsync(second, Request("2.0.0"), summary, stdout);

            await stdout.WriteLineAsync("\n### Step 3: upgrade the worker StatefulSet to an image tag with a typo (it cannot be pulled)\n");
            string[] typo = ["worker.image=ghcr.io/helm-sentinel/demo-worker:1.0.l"];
            var third = await engine.DeployAsync(Request("1.0.0", typo), cancellationToken);
            await Report.WriteAsync(third, Request("1.0.0", typo), null, stdout);

            await stdout.WriteLineAsync("\n### Step 4: upgrade to demo-web 1.1.0 (its pods are Ready, but /healthz answers 500), with a verify document\n");
            var verify = Path.Combine(work.FullName, "verify.yaml");
            File.WriteAllText(verify, $$"""
                bake: 10s
                interval: 1s
                checks:
                  - name: healthz
                    http:
                      service: {{Release}}:http
                      path: /healthz
                      expectStatus: [200]
                    failureLimit: 1
                """);
            var fourth = await engine.DeployAsync(Request("1.1.0") with { VerifyFile = verify }, cancellationToken);
            await Report.WriteAsync(fourth, Request("1.1.0"), null, stdout);

            await stdout.WriteLineAsync("\n### Step 5: plan an upgrade whose worker reads a ConfigMap nobody created, then try to deploy it\n");
            string[] settings = ["worker.settings=demo-web-settings", "replicaCount=3"];
            var plan = await new PlanEngine(new CliWrapHelmProcess(PrivateHelmHome(work.FullName)), new TextDeployLog(stdout), TimeProvider.System)
                .PlanAsync(Request("1.0.0", settings), cancellationToken: cancellationToken);
            await stdout.WriteLineAsync();
            await stdout.WriteAsync(PlanReport.Text(plan, SecretMasker.None));
            var fifth = await engine.DeployAsync(Request("1.0.0", settings), cancellationToken);
            await Report.WriteAsync(fifth, Request("1.0.0", settings), null, stdout);

            await stdout.WriteLineAsync("\n### Step 6: scale demo-web 1.0.0 to 3 replicas (healthy), then roll that back by hand to the last good revision\n");
            string[] scaled = ["replicaCount=3"];
            var sixth = await engine.DeployAsync(Request("1.0.0", scaled), cancellationToken);
            await Report.WriteAsync(sixth, Request("1.0.0", scaled), null, stdout);
            var byHand = Request("1.0.0") with { Chart = "", Rollback = new RollbackTarget() };
            var seventh = await engine.RollbackAsync(byHand, cancellationToken: cancellationToken);
            await Report.WriteAsync(seventh, byHand, null, stdout);

            var asExpected = first.Result == DeployResult.Succeeded && second.Result == DeployResult.RolledBack
                && third.Result == DeployResult.RolledBack && third.ReplacedPods.Count > 0
                && fourth.Result == DeployResult.RolledBack && fourth.Verification?.FailedCheck == "healthz"
                && plan.Result == PlanResult.Blocked && fifth.Result == DeployResult.Rejected
                && sixth.Result == DeployResult.Succeeded && seventh.Result == DeployResult.Succeeded && seventh.IsRollback
                && seventh.TargetRevision == sixth.CurrentRevision - 1;
            await stdout.WriteLineAsync(asExpected
                ? "\ndemo: 1.0.0 deployed, 2.0.0 failed and 1.0.0 was put back, as expected; the worker's broken pod was replaced " +
                  "so that its StatefulSet is really back on 1.0.0; 1.1.0 was Ready but failed its health check, and 1.0.0 was put back; " +
                  "the upgrade that needed a missing ConfigMap was refused by its preflight before anything changed; " +
                  "3 replicas deployed and were rolled back by hand to the last good revision."
                : $"\ndemo: unexpected ending ({first.Result}, then {second.Result}, then {third.Result} with {third.ReplacedPods.Count} pod(s) replaced, " +
                  $"then {fourth.Result}, a plan {plan.Result}, a deploy {fifth.Result}, a deploy {sixth.Result} and a rollback by hand {seventh.Result} " +
                  $"to revision {seventh.TargetRevision}).");
            return asExpected ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Writes the embedded demo chart at a version into a folder and returns its path.</summary>
    internal static string WriteChart(string root, string version)
    {
        var dir = Path.Combine(root, "demo-web-" + version);
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("DemoChart/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Replace("__VERSION__", version, StringComparison.Ordinal);
            var path = Path.Combine(dir, name["DemoChart/".Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return dir;
    }

    private static Dictionary<string, string?> PrivateHelmHome(string root) => new(StringComparer.Ordinal)
    {
        ["HOME"] = Path.Combine(root, "home"),
        ["HELM_CACHE_HOME"] = Path.Combine(root, "home", "cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(root, "home", "config"),
        ["HELM_DATA_HOME"] = Path.Combine(root, "home", "data"),
        ["KUBECACHEDIR"] = Path.Combine(root, "home", "kube-cache"),
        ["HELM_DRIVER"] = "secret",
        ["NO_COLOR"] = "1",
    };

    private static string? FindPinnedHelm(int major)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ".tools", PinnedHelm.ToolsPath(major));
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Environment.GetEnvironmentVariable("PATH")?
            .Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, "helm"))
            .FirstOrDefault(File.Exists);
    }
}
