using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

public sealed class HelmTestArgumentsTests
{
    private static readonly HelmTarget Target = new("web", "shop", "prod", "/tmp/kc");

    [Fact]
    public void Test_Helm3_HidesNotes_AndNeverAsksForLogs()
    {
        HelmArguments.Test(Target, HelmVersion.Parse("v3.17.2+gcc0bbbd"), TimeSpan.FromMinutes(2), ["name=smoke"]).Should().Equal(
            "test", "web", "--namespace", "shop", "--timeout", "2m0s", "--filter", "name=smoke", "--hide-notes",
            "--kube-context", "prod", "--kubeconfig", "/tmp/kc");
    }

    [Fact]
    public void Test_Helm4_HasNoHideNotes_ItRemovedTheFlag()
    {
        HelmArguments.Test(Target with { KubeContext = null, Kubeconfig = null }, HelmVersion.Parse("v4.1.4+g05fa379"), TimeSpan.FromSeconds(90), [])
            .Should().Equal("test", "web", "--namespace", "shop", "--timeout", "1m30s");
    }

    [Fact]
    public void Test_EachFilter_IsItsOwnArgument_AsWritten()
    {
        var args = HelmArguments.Test(Target, HelmVersion.Parse("v4.1.4"), TimeSpan.FromMinutes(5), ["name=a,name=b", "!name=slow"]);

        args.Should().ContainInConsecutiveOrder("--filter", "name=a,name=b", "--filter", "!name=slow");
        args.Should().NotContain("--logs");
    }

    [Fact]
    public void Test_EmptyFilter_IsRefused()
    {
        var act = () => HelmArguments.Test(Target, HelmVersion.Parse("v3.17.2"), TimeSpan.FromMinutes(1), [" "]);

        act.Should().Throw<ArgumentException>().WithMessage("*name=TEST*");
    }

    [Fact]
    public void Test_UnsupportedMajor_Throws()
    {
        var act = () => HelmArguments.Test(Target, HelmVersion.Parse("v2.16.1"), TimeSpan.FromMinutes(1), []);

        act.Should().Throw<UnsupportedHelmVersionException>();
    }
}
