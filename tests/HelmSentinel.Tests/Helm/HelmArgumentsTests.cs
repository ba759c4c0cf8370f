using HelmSentinel.Deploy;
using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

public class HelmArgumentsTests
{
    private static readonly HelmVersion Helm3 = HelmVersion.Parse("v3.17.2+gcc0bbbd");
    private static readonly HelmVersion Helm4 = HelmVersion.Parse("v4.1.4+g05fa379");

    // Flags Helm 4 still accepts but deprecates (or removed); the engine must never emit them there.
    private static readonly string[] Helm4Deprecated = ["--atomic", "--force", "--recreate-pods", "--wait=true", "--wait=false", "--dry-run"];

    private static DeployRequest Request() => new()
    {
        Release = "web",
        Chart = "./chart",
        Namespace = "shop",
        ValuesFiles = ["base.yaml", "prod.yaml"],
        Set = ["image.tag=1.2.3", "replicas=3"],
        SetString = ["build=0042"],
        SetFile = ["config=app.conf"],
        Timeout = TimeSpan.FromSeconds(90),
        HistoryMax = 7,
        CreateNamespace = true,
        Description = "deploy 42",
        KubeContext = "prod",
        Kubeconfig = "/tmp/kc",
        ExtraArgs = ["--skip-crds"],
    };

    [Fact]
    public void Upgrade_Helm3_UsesAtomicAndBooleanWait()
    {
        var args = HelmArguments.Upgrade(Request().ToHelmUpgrade(), Helm3);

        args.Should().Equal(
            "upgrade", "web", "./chart", "--install", "--namespace", "shop",
            "--atomic", "--wait",
            "--timeout", "1m30s", "--cleanup-on-fail", "--history-max", "7", "--create-namespace",
            "--values", "base.yaml", "--values", "prod.yaml",
            "--set", "image.tag=1.2.3", "--set", "replicas=3",
            "--set-string", "build=0042", "--set-file", "config=app.conf",
            "--description", "deploy 42",
            "--kube-context", "prod", "--kubeconfig", "/tmp/kc",
            "--skip-crds");
    }

    [Fact]
    public void Status_ReadsOneRevisionsReleaseAsJson()
    {
        HelmArguments.Status(Request().Target, 4).Should().Equal(
            "status", "web", "--revision", "4", "--namespace", "shop", "--output", "json", "--kube-context", "prod", "--kubeconfig", "/tmp/kc");
    }

    [Theory]
    [InlineData(3, "--wait")]
    [InlineData(4, "--wait=watcher")]
    public void Upgrade_WithoutRollbackOnFailure_StillWaitsAndCleansUp_ButNeverRollsBackByItself(int major, string wait)
    {
        var args = HelmArguments.Upgrade(Request().ToHelmUpgrade() with { RollbackOnFailure = false }, major == 3 ? Helm3 : Helm4);

        args.Should().NotContain(["--atomic", "--rollback-on-failure"]);
        args.Should().ContainInOrder("--install", "--namespace", "shop", wait, "--timeout", "1m30s", "--cleanup-on-fail");
    }

    [Theory]
    [InlineData(3, true, "--dry-run=server")]
    [InlineData(4, false, "--dry-run=client")]
    public void DryRun_RendersTheUpgradesChartAndValues_AsJson_WithoutTheFlagsOnlyARealUpgradeUses(int major, bool server, string flag)
    {
        var args = HelmArguments.DryRun((Request() with { ReuseValues = true }).ToHelmUpgrade(), major == 3 ? Helm3 : Helm4, server);

        args.Should().Equal(
            "upgrade", "web", "./chart", "--install", "--namespace", "shop", flag, "--output", "json", "--create-namespace",
            "--values", "base.yaml", "--values", "prod.yaml",
            "--set", "image.tag=1.2.3", "--set", "replicas=3",
            "--set-string", "build=0042", "--set-file", "config=app.conf", "--reuse-values",
            "--kube-context", "prod", "--kubeconfig", "/tmp/kc",
            "--skip-crds");
    }

    [Fact]
    public void Template_RendersWithoutTheCluster_AsAnUpgradeWhenTheReleaseExists()
    {
        HelmArguments.Template(Request().ToHelmUpgrade(), Helm4, isUpgrade: true).Should().Equal(
            "template", "web", "./chart", "--namespace", "shop", "--include-crds", "--is-upgrade",
            "--values", "base.yaml", "--values", "prod.yaml",
            "--set", "image.tag=1.2.3", "--set", "replicas=3",
            "--set-string", "build=0042", "--set-file", "config=app.conf",
            "--skip-crds");
        HelmArguments.GetManifest(Request().Target, 4).Should().Equal(
            "get", "manifest", "web", "--revision", "4", "--namespace", "shop", "--kube-context", "prod", "--kubeconfig", "/tmp/kc");
    }

    [Fact]
    public void Upgrade_Helm4_UsesRollbackOnFailureAndAttachedWaitStrategy()
    {
        var args = HelmArguments.Upgrade(Request().ToHelmUpgrade(), Helm4);

        args.Should().ContainInOrder("--rollback-on-failure", "--wait=watcher");
        args.Should().NotContain(Helm4Deprecated);
        args.Should().NotContain("--wait", "Helm 4's bare --wait would need an attached strategy");
    }

    [Fact]
    public void Upgrade_Helm4LegacyStrategy_IsAttachedNotPositional()
    {
        var args = HelmArguments.Upgrade((Request() with { WaitStrategy = "legacy" }).ToHelmUpgrade(), Helm4);

        args.Should().Contain("--wait=legacy").And.NotContain("legacy");
    }

    [Theory]
    [InlineData(3, "--force")]
    [InlineData(4, "--force-replace")]
    public void Upgrade_Force_SpeaksEachMajorsFlag(int major, string expected)
    {
        var version = major == 3 ? Helm3 : Helm4;

        var args = HelmArguments.Upgrade((Request() with { Force = true }).ToHelmUpgrade(), version);

        args.Should().Contain(expected);
        if (major == 4)
        {
            args.Should().NotContain("--force");
        }
    }

    [Fact]
    public void Upgrade_OptionalFlags_AreLeftOutWhenUnset()
    {
        var request = new DeployRequest { Release = "web", Chart = "repo/web" };

        var args = HelmArguments.Upgrade(request.ToHelmUpgrade(), Helm3);

        args.Should().Equal("upgrade", "web", "repo/web", "--install", "--namespace", "default", "--atomic", "--wait",
            "--timeout", "5m0s", "--cleanup-on-fail", "--history-max", "10");
    }

    [Fact]
    public void Upgrade_UnsupportedMajor_Throws()
    {
        var act = () => HelmArguments.Upgrade(Request().ToHelmUpgrade(), HelmVersion.Parse("v2.16.1"));

        act.Should().Throw<UnsupportedHelmVersionException>().WithMessage("*Helm 3 and Helm 4*");
    }

    [Theory]
    [InlineData(3, "--wait")]
    [InlineData(4, "--wait=watcher")]
    public void Rollback_WaitsWithItsOwnTimeout(int major, string wait)
    {
        var version = major == 3 ? Helm3 : Helm4;

        var args = HelmArguments.Rollback(Request().ToHelmUpgrade(), version, 4, TimeSpan.FromMinutes(2));

        args.Should().StartWith(["rollback", "web", "4", "--namespace", "shop", wait]);
        args.Should().ContainInOrder("--timeout", "2m0s");
        args.Should().ContainInOrder("--kube-context", "prod", "--kubeconfig", "/tmp/kc");
        args.Should().NotContain("--skip-crds", "extra args belong to the upgrade only");
    }

    [Theory]
    [InlineData(3, true, "--wait")]
    [InlineData(4, false, "--wait=watcher")]
    public void Uninstall_KeepsHistoryOnlyWhenAsked(int major, bool keep, string wait)
    {
        var version = major == 3 ? Helm3 : Helm4;

        var args = HelmArguments.Uninstall(Request().Target, version, keep, TimeSpan.FromSeconds(30));

        args.Should().StartWith(["uninstall", "web", "--namespace", "shop"]);
        args.Contains("--keep-history").Should().Be(keep);
        args.Should().Contain(wait);
    }

    [Fact]
    public void History_AsksForJson()
    {
        HelmArguments.History(Request().Target).Should().Equal(
            "history", "web", "--namespace", "shop", "--output", "json", "--kube-context", "prod", "--kubeconfig", "/tmp/kc");
    }

    [Theory]
    [InlineData("v3.17.2+gcc0bbbd", 3, 17, 2)]
    [InlineData("v4.1.4+g05fa379\n", 4, 1, 4)]
    [InlineData("version.BuildInfo{Version:\"v3.9.0\"}", 3, 9, 0)]
    public void HelmVersion_Parse_ReadsMajorMinorPatch(string text, int major, int minor, int patch)
    {
        var version = HelmVersion.Parse(text);

        version.Should().Be(new HelmVersion(major, minor, patch, text.Trim()));
        version.IsSupported.Should().BeTrue();
    }

    [Fact]
    public void HelmVersion_Parse_RejectsTextWithoutVersion()
    {
        var act = () => HelmVersion.Parse("command not found");

        act.Should().Throw<FormatException>().WithMessage("*command not found*");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryFlagTheUpgradeOrRollbackCanEmit_IsOwned(int major)
    {
        var version = major == 3 ? Helm3 : Helm4;
        var everything = (Request() with
        {
            ChartVersion = "1.2.3",
            WaitForJobs = true,
            Force = true,
            ReuseValues = true,
            ResetValues = true,
            WaitStrategy = "legacy",
            ExtraArgs = [],
        }).ToHelmUpgrade();

        var emitted = HelmArguments.Upgrade(everything, version).Concat(HelmArguments.Rollback(everything, version, 3, TimeSpan.FromMinutes(1)))
            .Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=')[0])
            .ToHashSet();

        emitted.Should().NotBeEmpty().And.BeSubsetOf(HelmArguments.OwnedFlags);
    }

    [Theory]
    [InlineData("--timeout=1m", "timeout")]
    [InlineData("--force-replace", "force-replace")]
    [InlineData("-nprod", "namespace")]
    [InlineData("-n=prod", "namespace")]
    [InlineData("--skip-crds", null)]
    [InlineData("--set-json=a={}", null)]
    [InlineData("-x", null)]
    public void OwnedFlagOf_NamesTheLongFlagAnArgumentSets(string argument, string? expected)
    {
        HelmArguments.OwnedFlagOf(argument).Should().Be(expected);
    }
}
