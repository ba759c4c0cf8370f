using System.Text;
using System.Text.Json.Nodes;
using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Plan;
using HelmSentinel.Reporting;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.TestSupport;
using HelmSentinel.Tests.Reporting;
using HelmSentinel.Tests.Support;

namespace HelmSentinel.Tests.EndToEnd;

/// <summary>
/// The plan and the deploy's preflight with the real Helm 3.17.2 and 4.1.4 against the simulator: the diff shows exactly
/// what a values change changes, never a Secret's value, and each blocking finding refuses the deploy before any change.
/// </summary>
public sealed partial class PlanScenarioTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>, IDisposable
{
    private readonly RecordingLog _log = new();
    private readonly PlanChart _chart = new();

    public void Dispose() => _chart.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AValuesChange_ShowsExactlyThoseFields_AndALookupKeptTokenIsNoChange(int major)
    {
        var release = TestNames.Release([major]);
        await InstallAsync(major, release);

        var plan = await PlanAsync(Request(major, release, "image=nginx:1.27.0", "replicas=3", "greeting=bonjour"));

        plan.Result.Should().Be(PlanResult.Planned, plan.Error);
        plan.ExitCode.Should().Be(0);
        plan.DeployedRevision.Should().Be(1);
        Fields(plan, "Deployment", release).Should().Equal(
            ("spec.replicas", "1", "3"),
            ("spec.template.spec.containers[name=app].image", "nginx:1.25.0", "nginx:1.27.0"));
        Fields(plan, "ConfigMap", release + "-config").Should().Equal(("data.greeting", "hello", "bonjour"));
        plan.Changes.Where(c => c.Key.Kind is not ("Deployment" or "ConfigMap")).Should().OnlyContain(c => c.Action == ChangeAction.Unchanged,
            "the Secret's token is random on install and kept by lookup, which the server-side dry run sees");
        PlanHeadlines.Of(plan).Should().Contain($"Deployment/{release} container app: image nginx:1.25.0 → nginx:1.27.0");
        plan.Findings.Should().BeEmpty();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ASecretThatChanges_IsShownByKeyAndLength_AndNoChannelCarriesEitherValue(int major)
    {
        var release = TestNames.Release([major]);
        await InstallAsync(major, release);
        const string before = "first-password-value", after = "second-password-value";

        var request = Request(major, release, "password=" + after);
        var plan = await PlanAsync(request);

        plan.Result.Should().Be(PlanResult.Planned, plan.Error);
        var secret = plan.Changes.Single(c => c.Key.Kind == "Secret" && c.Key.Name == release + "-creds");
        secret.Action.Should().Be(ChangeAction.Changed);
        secret.Fields.Should().BeEmpty();
        secret.SecretKeys.Should().Equal(
            new SecretKeyChange("password", SecretKeyState.Changed, before.Length, after.Length),
            new SecretKeyChange("token", SecretKeyState.Unchanged, 24, 24));
        var masker = new SecretMasker(request.MaskedValues);
        var outputs = new Dictionary<string, string>
        {
            ["log"] = string.Join('\n', _log.Lines),
            ["text"] = PlanReport.Text(plan, masker),
            ["markdown"] = PlanReport.Markdown(plan, masker),
            ["json"] = PlanJson.Write(plan, masker),
        };
        foreach (var (channel, text) in outputs)
        {
            if (channel != "log")
            {
                text.Should().Contain("password", channel).And.Contain("changed", channel);
            }

            foreach (var value in new[] { before, after })
            {
                text.Should().NotContain(value, channel).And.NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), channel);
            }
        }
    }

    public static TheoryData<int, string> BlockingCases() => new()
    {
        { 3, Checks.ImmutableField }, { 4, Checks.ImmutableField },
        { 3, Checks.Ownership }, { 4, Checks.Ownership },
        { 3, Checks.MissingReference }, { 4, Checks.MissingReference },
        { 3, Checks.UnservedApi }, { 4, Checks.UnservedApi },
        { 3, Checks.ReleaseSize }, { 4, Checks.ReleaseSize },
        { 3, Checks.UnservedStoredApi }, { 4, Checks.UnservedStoredApi },
        { 3, Checks.ServerDryRun }, { 4, Checks.ServerDryRun },
    };

    [Theory]
    [MemberData(nameof(BlockingCases))]
    public async Task ABlockingFinding_FailsThePlanWithExit3_AndTheDeployRefusesBeforeAnyChange(int major, string check)
    {
        var release = TestNames.Release([major, check]);
        string[] installed = check switch
        {
            Checks.UnservedStoredApi => ["job=true"],
            Checks.ServerDryRun => ["storageClass=standard"],
            _ => [],
        };
        await InstallAsync(major, release, installed);
        using var big = check == Checks.ReleaseSize ? new PlanChart(blobBytes: 1_400_000) : null;
        string[] set = check switch
        {
            Checks.ImmutableField => ["selector=renamed"],
            Checks.Ownership => ["extra=true"],
            Checks.MissingReference => ["configMapRef=not-there"],
            Checks.UnservedApi => ["pdb=true"],
            Checks.UnservedStoredApi => ["job=true"],

            // A bound claim's storage class cannot change: only the API server says so (the plan has no rule for it).
            Checks.ServerDryRun => ["storageClass=fast"],
            _ => [],
        };
        if (check == Checks.Ownership)
        {
            cluster.Simulator.Store.Create(ResourceTypes.ConfigMaps, release, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = release + "-extra" },
                ["data"] = new JsonObject { ["a"] = "made by hand" },
            });
        }

        var request = Request(major, release, set) with { Chart = big?.Root ?? _chart.Root };
        var historyBefore = await HistoryAsync(major, release);
        var liveBefore = LiveVersions(release);

        // As after a cluster upgrade that removed the API version the deployed revision stored its Job under.
        if (check == Checks.UnservedStoredApi)
        {
            cluster.Simulator.Unserve("batch/v1");
        }

        DeployPlan plan;
        DeployOutcome outcome;
        try
        {
            plan = await PlanAsync(request);
            outcome = await cluster.Engine(_log).DeployAsync(request);
        }
        finally
        {
            cluster.Simulator.Serve("batch/v1");
        }

        plan.Result.Should().Be(PlanResult.Blocked, plan.Error);
        plan.ExitCode.Should().Be(3);
        plan.Findings.Should().Contain(f => f.Check == check && f.Severity == FindingSeverity.Blocking);
        outcome.Result.Should().Be(DeployResult.Rejected, outcome.FailureReason);
        outcome.ExitCode.Should().Be(3);
        outcome.FailureReason.Should().StartWith("preflight: ").And.Contain(plan.Findings.First(f => f.Check == check).Message);
        (await HistoryAsync(major, release)).Should().Equal(historyBefore, "the refused deploy wrote no revision");
        LiveVersions(release).Should().Equal(liveBefore, "nothing in the namespace changed");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AFieldChangedOutsideHelm_IsAWarningNamingItsFieldManager_AndThePlanPasses(int major)
    {
        var release = TestNames.Release([major]);
        await InstallAsync(major, release);
        var scale = await ProcessRunner.RunAsync(Tools.Kubectl, ["scale", "deployment", release, "-n", release, "--replicas=4", "--kubeconfig", cluster.Kubeconfig], cluster.Environment);
        scale.ExitCode.Should().Be(0, scale.StandardError);

        var plan = await PlanAsync(Request(major, release));

        plan.Result.Should().Be(PlanResult.Planned, plan.Error);
        plan.ExitCode.Should().Be(0);
        var drift = plan.Findings.Should().ContainSingle().Which;
        drift.Severity.Should().Be(FindingSeverity.Warning);
        drift.Check.Should().Be(Checks.Drift);
        drift.Object!.Display.Should().Be("Deployment/" + release);
        drift.Message.Should().Contain("spec.replicas = 4 in the cluster, 1 in revision 1").And.Contain("changed by kubectl");
    }

    /// <summary>The README's example plan is this test's rendering, as it is (times of the field managers' writes fixed).</summary>
    [Fact]
    public async Task TheReadmesExamplePlan_IsWhatThisPlanRenders()
    {
        const string release = "shop";
        await InstallAsync(4, release);
        var edit = await ProcessRunner.RunAsync(Tools.Kubectl,
            ["patch", "configmap", "shop-config", "-n", release, "--type", "merge", "-p", """{"data":{"greeting":"hi from ops"}}""", "--field-manager", "kubectl-edit", "--kubeconfig", cluster.Kubeconfig],
            cluster.Environment);
        edit.ExitCode.Should().Be(0, edit.StandardError);
        var request = Request(4, release, "image=nginx:1.27.0", "replicas=3", "password=a-new-password-value");

        var plan = await PlanAsync(request);

        var markdown = Times().Replace(PlanReport.Markdown(plan, new SecretMasker(request.MaskedValues)), "2026-12-01T12:00:00Z");
        GoldenFile.Verify(markdown, "plan-example.md");
        var readme = File.ReadAllText(Path.Combine(Tools.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        readme.Should().Contain(markdown, "the README shows this plan as the test renders it (UPDATE_GOLDEN=1 rewrites TestData/plan-example.md)");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial System.Text.RegularExpressions.Regex Times();

    private DeployRequest Request(int major, string release, params string[] set) =>
        cluster.Request(major, release, set) with { Chart = _chart.Root };

    private async Task InstallAsync(int major, string release, params string[] set)
    {
        // Jobs waited for, so that their controller has written its last status before the test looks at the namespace.
        var install = await cluster.Engine(_log).DeployAsync(Request(major, release, set) with { WaitForJobs = true });
        install.Result.Should().Be(DeployResult.Succeeded, install.FailureReason);
        _log.Lines.Clear();
    }

    private Task<DeployPlan> PlanAsync(DeployRequest request) =>
        new PlanEngine(new CliWrapHelmProcess(cluster.Environment), _log, TimeProvider.System, new HelmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200) })
            .PlanAsync(request);

    private async Task<List<(int, string)>> HistoryAsync(int major, string release)
    {
        var result = await cluster.HelmAsync(major, "history", release, "--namespace", release, "-o", "json");
        return [.. ReleaseHistory.Parse(result.StandardOutput).Entries.Select(e => (e.Revision, e.Status))];
    }

    // Every object in the release's namespace with its resourceVersion: a write anywhere changes this list.
    private List<string> LiveVersions(string release) =>
        [.. ResourceTypes.All.Where(t => t.Namespaced && t.Kind != "Event")
            .SelectMany(t => cluster.Simulator.Store.List(t, release))
            .Select(o => $"{o["kind"]}/{o["metadata"]!["name"]}@{o["metadata"]!["resourceVersion"]}")
            .Order(StringComparer.Ordinal)];

    private static List<(string Path, string? Before, string? After)> Fields(DeployPlan plan, string kind, string name) =>
        [.. plan.Changes.Single(c => c.Key.Kind == kind && c.Key.Name == name).Fields.Select(f => (f.Path, f.Before, f.After))];
}
