using HelmSentinel.Kubernetes;

namespace HelmSentinel.Tests.Kubernetes;

public class HookPhaseTests
{
    private static readonly HookResource[] Hooks =
    [
        Hook("batch/v1", "Job", "shop-migrate", "pre-upgrade"),
        Hook("batch/v1", "Job", "shop-seed", "pre-install"),
        Hook("batch/v1", "Job", "shop-both", "pre-install", "pre-upgrade"),
        Hook("batch/v1", "Job", "shop-around", "pre-upgrade", "post-upgrade"),
        Hook("batch/v1", "Job", "shop-notify", "post-upgrade"),
        Hook("v1", "Pod", "shop-check", "pre-upgrade"),
        Hook("v1", "ConfigMap", "shop-settings", "pre-upgrade"),
        Hook("example.com/v1", "Job", "shop-foreign", "pre-upgrade"),
    ];

    [Theory]
    [InlineData("Job/shop-migrate", false, "the failure happened in the pre-upgrade hook Job/shop-migrate, before any application object changed")]
    [InlineData("Job/shop-seed", true, "the failure happened in the pre-install hook Job/shop-seed, before any application object changed")]
    [InlineData("Job/shop-both", false, "the failure happened in the pre-upgrade hook Job/shop-both, before any application object changed")]
    [InlineData("Job/shop-both", true, "the failure happened in the pre-install hook Job/shop-both, before any application object changed")]
    [InlineData("Pod/shop-check", false, "the failure happened in the pre-upgrade hook Pod/shop-check, before any application object changed")]
    [InlineData("Job/shop-seed", false, null)] // a pre-install hook does not run in an upgrade
    [InlineData("Job/shop-migrate", true, null)]
    [InlineData("Job/shop-around", false, null)] // it runs after the manifests too: which run failed is not known
    [InlineData("Job/shop-notify", false, null)]
    [InlineData("ConfigMap/shop-settings", false, null)] // runs nothing
    [InlineData("Job/shop-foreign", false, null)] // not a batch/v1 Job
    [InlineData("Deployment/shop", false, null)] // not a hook
    [InlineData("Job/other", false, null)]
    [InlineData("job/shop-migrate", false, null)]
    public void Describe_SaysWhenTheFailureCameBeforeTheManifests(string failedWorkload, bool firstInstall, string? expected)
    {
        HookPhase.Describe(Hooks, failedWorkload, firstInstall).Should().Be(expected);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Describe_OnTheRealHooksOfAFailedUpgrade(int major)
    {
        var hooks = HookManifest.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", $"get-hooks-helm{major}-fixture-web-failed.txt")));

        HookPhase.Describe(hooks, $"Job/hk{major}-migrate", firstInstall: false)
            .Should().Be($"the failure happened in the pre-upgrade hook Job/hk{major}-migrate, before any application object changed");
    }

    [Fact]
    public void Describe_WithNoHooks_IsNull()
    {
        HookPhase.Describe([], "Job/shop-migrate", firstInstall: false).Should().BeNull();
    }

    private static HookResource Hook(string apiVersion, string kind, string name, params string[] events) =>
        new(apiVersion, kind, name, null, events, [], 0, null);
}
