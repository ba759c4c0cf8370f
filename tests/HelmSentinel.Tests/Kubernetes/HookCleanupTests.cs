using System.Text.Json.Nodes;
using HelmSentinel.Helm;
using HelmSentinel.Kubernetes;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Simulator.Storage;
using HelmSentinel.Tests.EndToEnd;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;
using static HelmSentinel.TestSupport.Eventually;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>
/// The issue "no failed hook left running", end to end with the real Helm 3 and 4 against the simulator: an upgrade
/// whose pre-upgrade hook Job cannot pull its image fails (by its own short timeout, or interrupted with SIGINT as
/// fail-fast does), helm rolls back and leaves the Job running; <c>helm get hooks</c> of the failed revision, parsed,
/// drives the clean-up, after which neither the Job nor a pod of it exists.
/// </summary>
public sealed class HookCleanupTests(SimulatorFixture cluster) : IClassFixture<SimulatorFixture>
{
    private const string Unpullable = "registry.example/missing";
    private static readonly TimeSpan HelmPatience = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(3, "timeout")]
    [InlineData(4, "timeout")]
    [InlineData(3, "interrupt")]
    [InlineData(4, "interrupt")]
    public async Task TheHookJobOfAFailedUpgrade_IsDeletedWithItsPods_AndASecondCleanupFindsItGone(int major, string howItFails)
    {
        // Arrange: revision 1 healthy, revision 2 failed in its pre-upgrade hook, revision 3 the rollback
        var release = $"hc{howItFails[0]}{major}";
        var job = $"{release}-migrate";
        await HelmAsync(major, Install(major, release));
        var upgrade = Upgrade(major, release, howItFails == "timeout" ? "5s" : "60s", "migrate.enabled=true", $"migrate.image={Unpullable}");
        if (howItFails == "timeout")
        {
            (await HelmAsync(major, upgrade, expectSuccess: false)).StandardError.Should().Contain("pre-upgrade hooks failed");
        }
        else
        {
            await InterruptOnceThePullFailsAsync(major, upgrade, job);
        }

        var helm = Cli(major);
        var target = new HelmTarget(release, release, Kubeconfig: cluster.Kubeconfig);
        using var patience = new CancellationTokenSource(HelmPatience);
        var history = await helm.HistoryAsync(target, patience.Token);
        history.Entries.Select(e => e.Status).Should().Equal(ReleaseStatus.Superseded, ReleaseStatus.Failed, ReleaseStatus.Deployed);
        var failed = history.Entries[1].Revision;
        var hooks = HookManifest.Parse(await helm.GetHooksAsync(target, failed, patience.Token));
        Store.Get(ResourceTypes.Jobs, release, job).Should().NotBeNull("helm leaves the hook Job behind: the issue");
        PodsOf(release, job).Should().NotBeEmpty();

        // Act
        var first = await HookCleanup.RunAsync(Request(release, failed, hooks));
        var second = await HookCleanup.RunAsync(Request(release, failed, hooks));

        // Assert
        first.Warnings.Should().BeEmpty();
        first.Hooks.Should().ContainSingle();
        first.Hooks[0].Action.Should().Be(HookCleanupAction.Deleted);
        first.Hooks[0].Reason.Should().Be($"deleted Job/{job}: the pre-upgrade hook of the failed revision {failed} was still running (0/1 succeeded); its pods go with it");
        Store.Get(ResourceTypes.Jobs, release, job).Should().BeNull();
        PodsOf(release, job).Should().BeEmpty("background propagation takes the pods with the Job");
        Store.List(ResourceTypes.Pods, release, p => Name(p).StartsWith(job, StringComparison.Ordinal)).Should().BeEmpty();
        second.Warnings.Should().BeEmpty();
        second.Hooks.Should().ContainSingle().Which.Should().Be(
            new HookCleanupEntry(hooks[0], HookCleanupAction.AlreadyGone, $"Job/{job} (the pre-upgrade hook of the failed revision {failed}) is already gone"));
        Store.List(ResourceTypes.Pods, release, p => Name(p).StartsWith(release + "-", StringComparison.Ordinal) && !Name(p).StartsWith(job, StringComparison.Ordinal))
            .Should().HaveCount(2, "the application's pods of the rolled-back revision are not touched");
    }

    [Fact]
    public async Task EachKindOfHook_GetsItsOwnVerdict()
    {
        // Arrange: a completed Job, a Pod stuck pulling, a Job stuck in a namespace of its own, a ConfigMap, one gone
        const string ns = "hcmixed";
        const string other = "hcmixed-other";
        Namespace(ns);
        Namespace(other);
        Create(ResourceTypes.Jobs, ns, JobManifest("done", "sim.local/complete"));
        Create(ResourceTypes.Pods, ns, PodManifest("smoke", Unpullable));
        Create(ResourceTypes.Jobs, other, JobManifest("elsewhere", Unpullable));
        Create(ResourceTypes.ConfigMaps, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "settings" } });
        await WaitUntilAsync(() => JobCondition(ns, "done") == "Complete", "the completing Job completes");
        await WaitUntilAsync(() => WaitingReason(ns, "smoke") is "ErrImagePull" or "ImagePullBackOff", "the pod hook fails to pull");
        await WaitUntilAsync(() => PodsOf(other, "elsewhere").Count == 1, "the other Job has its pod");
        HookResource[] hooks =
        [
            Hook("batch/v1", "Job", "done", null, "post-upgrade"),
            Hook("v1", "Pod", "smoke", null, "post-install", "post-upgrade"),
            Hook("batch/v1", "Job", "elsewhere", other, "pre-upgrade"),
            Hook("v1", "ConfigMap", "settings", null, "pre-upgrade"),
            Hook("batch/v1", "Job", "never-created", null),
        ];

        // Act
        var result = await HookCleanup.RunAsync(Request(ns, 7, hooks));

        // Assert
        result.Warnings.Should().BeEmpty();
        result.Hooks.Select(h => h.Action).Should().Equal(
            HookCleanupAction.LeftSucceeded, HookCleanupAction.Deleted, HookCleanupAction.Deleted, HookCleanupAction.Ignored, HookCleanupAction.AlreadyGone);
        result.Hooks[0].Reason.Should().Be("left Job/done: the post-upgrade hook of the failed revision 7 completed (1/1 succeeded)");
        result.Hooks[1].Reason.Should().MatchRegex(
            @"^deleted Pod/smoke: the post-install/post-upgrade hook of the failed revision 7 was still Pending \(main: (ErrImagePull|ImagePullBackOff)\)$");
        result.Hooks[2].Reason.Should().Be("deleted Job/elsewhere: the pre-upgrade hook of the failed revision 7 was still running (0/1 succeeded); its pods go with it");
        result.Hooks[3].Reason.Should().Be("left ConfigMap/settings: the pre-upgrade hook of the failed revision 7 is not a Job or Pod, so nothing of it runs");
        result.Hooks[4].Reason.Should().Be("Job/never-created (the hook of the failed revision 7) is already gone");
        result.Deleted.Select(d => d.Hook.Name).Should().Equal("smoke", "elsewhere");
        Store.Get(ResourceTypes.Jobs, ns, "done").Should().NotBeNull("a completed hook runs nothing: left as Helm leaves it");
        Store.Get(ResourceTypes.Pods, ns, "smoke").Should().BeNull();
        Store.Get(ResourceTypes.Jobs, other, "elsewhere").Should().BeNull("a hook with its own namespace is looked for there");
        PodsOf(other, "elsewhere").Should().BeEmpty();
        Store.Get(ResourceTypes.ConfigMaps, ns, "settings").Should().NotBeNull();
    }

    [Fact]
    public async Task AnUnreachableCluster_IsAWarningPerHook_MaskedAndNeverThrown()
    {
        var kubeconfig = Path.Combine(Path.GetDirectoryName(cluster.Kubeconfig)!, "refused-kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfigs.Refused);
        HookResource[] hooks = [Hook("batch/v1", "Job", "secret-migrate", null, "pre-upgrade"), Hook("v1", "ConfigMap", "secret-settings", null, "pre-upgrade")];

        var result = await HookCleanup.RunAsync(Request("shop", 4, hooks) with
        {
            Kubeconfig = kubeconfig,
            Mask = s => s.Replace("secret", "***", StringComparison.Ordinal),
        });

        result.Hooks.Select(h => h.Action).Should().Equal(HookCleanupAction.Failed, HookCleanupAction.Ignored);
        result.Warnings.Should().ContainSingle().Which.Should()
            .StartWith("could not clean up Job/***-migrate (the pre-upgrade hook of the failed revision 4): ")
            .And.Contain("refused")
            .And.NotContain("secret");
        result.Hooks[0].Reason.Should().Be(result.Warnings[0]);
        result.Hooks[1].Reason.Should().NotContain("secret");
    }

    [Fact]
    public async Task AKubeconfigThatCannotBeLoaded_IsAWarning()
    {
        HookResource[] hooks = [Hook("batch/v1", "Job", "migrate", null, "pre-upgrade")];

        var result = await HookCleanup.RunAsync(Request("shop", 4, hooks) with { Kubeconfig = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "kubeconfig") });

        result.Warnings.Should().ContainSingle().Which.Should().StartWith("the hook clean-up could not load the kubeconfig: ");
        result.Hooks.Should().ContainSingle().Which.Action.Should().Be(HookCleanupAction.Failed);
    }

    private ObjectStore Store => cluster.Simulator.Store;

    private HookCleanupRequest Request(string ns, int revision, IReadOnlyList<HookResource> hooks) => new()
    {
        Namespace = ns,
        Revision = revision,
        Hooks = hooks,
        Kubeconfig = cluster.Kubeconfig,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>The production helm seam, with the major's binary: its history and <c>get hooks</c> are what the engine reads.</summary>
    private HelmCli Cli(int major)
    {
        var log = new RecordingLog();
        return new HelmCli(
            new CliWrapHelmProcess(cluster.Environment), Tools.Helm(major), log, SecretMasker.None,
            HelmCli.Pipeline(new HelmRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(200) }, TimeProvider.System, log, SecretMasker.None));
    }

    private string[] Install(int major, string release) =>
        ["upgrade", "--install", release, Tools.Chart("fixture-web"), "--namespace", release, "--create-namespace", major == 3 ? "--wait" : "--wait=watcher", "--timeout", "60s", "--kubeconfig", cluster.Kubeconfig];

    private string[] Upgrade(int major, string release, string timeout, params string[] set) =>
        [
            "upgrade", "--install", release, Tools.Chart("fixture-web"), "--namespace", release, major == 3 ? "--atomic" : "--rollback-on-failure",
            "--timeout", timeout, .. set.SelectMany(s => new[] { "--set", s }), "--kubeconfig", cluster.Kubeconfig,
        ];

    private async Task<ProcessResult> HelmAsync(int major, string[] args, bool expectSuccess = true)
    {
        var result = await ProcessRunner.RunAsync(Tools.Helm(major), args, cluster.Environment, HelmPatience);
        (result.ExitCode == 0).Should().Be(expectSuccess, result.ToString());
        return result;
    }

    /// <summary>Runs the upgrade and interrupts it (SIGINT, as the engine's fail-fast does) once the hook's pod cannot pull.</summary>
    private async Task InterruptOnceThePullFailsAsync(int major, string[] upgrade, string job)
    {
        var release = upgrade[2];
        using var interrupt = new CancellationTokenSource();
        var helm = new CliWrapHelmProcess(cluster.Environment, killGrace: TimeSpan.FromSeconds(20)).RunAsync(new HelmInvocation(Tools.Helm(major), upgrade), interrupt.Token);
        try
        {
            await WaitUntilAsync(() => PodsOf(release, job).Any(p => WaitingReason(release, Name(p)) is "ErrImagePull" or "ImagePullBackOff"), $"the pod of {job} fails to pull its image");
        }
        finally
        {
            await interrupt.CancelAsync();
        }

        var result = await helm.WaitAsync(HelmPatience);
        result.Cancelled.Should().BeTrue();
        result.StandardError.Should().Contain("context canceled", result.StandardError);
    }

    private IReadOnlyList<JsonObject> PodsOf(string ns, string job) =>
        Store.List(ResourceTypes.Pods, ns, p => p["metadata"]?["labels"]?["job-name"]?.GetValue<string>() == job);

    private string? WaitingReason(string ns, string pod) =>
        Store.Get(ResourceTypes.Pods, ns, pod)?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();

    private string? JobCondition(string ns, string job) =>
        Store.Get(ResourceTypes.Jobs, ns, job)?["status"]?["conditions"]?.AsArray()
            .Where(c => c?["status"]?.GetValue<string>() == "True")
            .Select(c => c!["type"]!.GetValue<string>())
            .LastOrDefault();

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private void Namespace(string name) => Create(ResourceTypes.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });

    private void Create(ResourceType type, string? ns, JsonObject obj) => Store.Create(type, ns, obj);

    private static JsonObject JobManifest(string name, string image) => JsonNode.Parse(
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"backoffLimit\":1,\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"main\",\"image\":\"" + image + "\"}]}}}}")!.AsObject();

    private static JsonObject PodManifest(string name, string image) => JsonNode.Parse(
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"main\",\"image\":\"" + image + "\"}]}}")!.AsObject();

    private static HookResource Hook(string apiVersion, string kind, string name, string? ns, params string[] events) =>
        new(apiVersion, kind, name, ns, events, [], 0, null);
}
