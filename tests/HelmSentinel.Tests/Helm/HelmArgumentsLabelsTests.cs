using HelmSentinel.Helm;

namespace HelmSentinel.Tests.Helm;

public sealed class HelmArgumentsLabelsTests
{
    private static readonly HelmUpgrade Upgrade = new() { Target = new HelmTarget("web", "shop"), Chart = "./chart" };

    [Theory]
    [InlineData("v3.17.2+gcc0bbbd")]
    [InlineData("v4.1.4+g05fa379")]
    public void ReleaseLabels_AreOneLabelsFlag_InKeyOrder(string version)
    {
        var labels = new Dictionary<string, string> { ["helm-sentinel/secret.db"] = "ab.2", ["helm-sentinel/cm.gone"] = "null", ["helm-sentinel/cm.a"] = "cd.1" };

        var args = HelmArguments.Upgrade(Upgrade with { Labels = labels }, HelmVersion.Parse(version));

        args.Should().ContainInConsecutiveOrder("--labels", "helm-sentinel/cm.a=cd.1,helm-sentinel/cm.gone=null,helm-sentinel/secret.db=ab.2");
        args.Count(a => a == "--labels").Should().Be(1);
    }

    [Fact]
    public void NoLabels_NoFlag_AndNeverOnARollbackOrADryRun()
    {
        var version = HelmVersion.Parse("v4.1.4+g05fa379");
        var labelled = Upgrade with { Labels = new Dictionary<string, string> { ["helm-sentinel/cm.a"] = "cd.1" } };

        HelmArguments.Upgrade(Upgrade, version).Should().NotContain("--labels");
        HelmArguments.Rollback(labelled, version, 1, TimeSpan.FromMinutes(1)).Should().NotContain("--labels");
        HelmArguments.DryRun(labelled, version, server: true).Should().NotContain("--labels");
    }
}
