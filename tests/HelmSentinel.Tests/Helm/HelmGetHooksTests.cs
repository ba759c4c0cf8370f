using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Helm;

public class HelmGetHooksTests
{
    private const string Unreachable =
        "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused\n";

    private static readonly string Hooks = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "get-hooks-helm3-fixture-web-failed.txt"));

    private static HelmCli Cli(ScriptedHelmProcess process, RecordingLog log, SecretMasker? masker = null) =>
        new(process, "helm", log, masker ?? SecretMasker.None,
            HelmCli.Pipeline(new HelmRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromSeconds(1) }, new ManualClock { AutoAdvance = true }, log, SecretMasker.None));

    [Fact]
    public void GetHooks_NamesTheRevisionAndTheNamespace()
    {
        var args = HelmArguments.GetHooks(new HelmTarget("shop", "prod"), 4);

        args.Should().Equal("get", "hooks", "shop", "--revision", "4", "--namespace", "prod");
    }

    [Fact]
    public void GetHooks_AddsTheClusterOfTheTarget()
    {
        var args = HelmArguments.GetHooks(new HelmTarget("shop", "prod", KubeContext: "east", Kubeconfig: "/tmp/kc"), 12);

        args.Should().Equal("get", "hooks", "shop", "--revision", "12", "--namespace", "prod", "--kube-context", "east", "--kubeconfig", "/tmp/kc");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void GetHooks_RefusesARevisionBelowOne(int revision)
    {
        var act = () => HelmArguments.GetHooks(new HelmTarget("shop", "prod"), revision);

        act.Should().Throw<ArgumentOutOfRangeException>("helm reads --revision 0 as the latest revision");
    }

    [Fact]
    public async Task GetHooksAsync_ReturnsHelmsOutputVerbatim_WithoutEchoingIt()
    {
        var process = new ScriptedHelmProcess().Then("get", ScriptedHelmProcess.Ok(Hooks));
        var log = new RecordingLog();

        var text = await Cli(process, log).GetHooksAsync(new HelmTarget("hk3", "hk3"), 2, CancellationToken.None);

        text.Should().Be(Hooks);
        process.Invocations.Should().ContainSingle().Which.Should().Equal("get", "hooks", "hk3", "--revision", "2", "--namespace", "hk3");
        log.Lines.Should().BeEmpty("the hooks can carry what the chart put in them");
    }

    [Fact]
    public async Task GetHooksAsync_ARevisionWithoutHooks_IsEmpty()
    {
        var process = new ScriptedHelmProcess().Then("get", ScriptedHelmProcess.Ok());

        var text = await Cli(process, new RecordingLog()).GetHooksAsync(new HelmTarget("hk3", "hk3"), 1, CancellationToken.None);

        text.Should().BeEmpty();
    }

    [Fact]
    public async Task GetHooksAsync_IsRetriedOnATransientError()
    {
        var process = new ScriptedHelmProcess()
            .Then("get", ScriptedHelmProcess.Fail(Unreachable))
            .Then("get", ScriptedHelmProcess.Ok(Hooks));
        var log = new RecordingLog();

        var text = await Cli(process, log).GetHooksAsync(new HelmTarget("hk3", "hk3"), 2, CancellationToken.None);

        text.Should().Be(Hooks);
        process.Commands.Should().Equal("get", "get");
        log.Lines.Should().ContainSingle(l => l.Contains("transient error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetHooksAsync_AnUnknownRevision_IsAHelmCommandException()
    {
        // What both majors print for a revision (or release) that does not exist, exit 1.
        var process = new ScriptedHelmProcess().Then("get", ScriptedHelmProcess.Fail("Error: release: not found\n"));

        var act = () => Cli(process, new RecordingLog()).GetHooksAsync(new HelmTarget("hk3", "hk3"), 9, CancellationToken.None);

        (await act.Should().ThrowAsync<HelmCommandException>()).WithMessage("helm get hooks failed: release: not found")
            .Which.Result!.ExitCode.Should().Be(1);
        process.Commands.Should().Equal("get");
    }

    [Fact]
    public async Task GetHooksAsync_MasksTheError()
    {
        var process = new ScriptedHelmProcess().Then("get", ScriptedHelmProcess.Fail("Error: Unauthorized: token s3cr3t-token rejected\n"));

        var act = () => Cli(process, new RecordingLog(), new SecretMasker(["s3cr3t-token"])).GetHooksAsync(new HelmTarget("hk3", "hk3"), 2, CancellationToken.None);

        (await act.Should().ThrowAsync<HelmCommandException>()).Which.Message.Should().NotContain("s3cr3t-token").And.Contain("***");
    }
}
