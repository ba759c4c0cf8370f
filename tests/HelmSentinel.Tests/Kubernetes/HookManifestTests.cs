using HelmSentinel.Kubernetes;

namespace HelmSentinel.Tests.Kubernetes;

/// <summary>
/// <see cref="HookManifest.Parse"/> on the real output of <c>helm get hooks</c> from Helm 3.17.2 and 4.1.4 against the
/// simulator (captured once into TestData; how is said in <c>TestData/hook-kinds-chart/Chart.yaml</c>).
/// </summary>
public class HookManifestTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void TheFailedRevisionOfFixtureWeb_HasItsPreUpgradeJob(int major)
    {
        var hooks = HookManifest.Parse(TestData($"get-hooks-helm{major}-fixture-web-failed.txt"));

        hooks.Should().BeEquivalentTo(
            [new HookResource("batch/v1", "Job", $"hk{major}-migrate", null, ["pre-upgrade"], ["before-hook-creation", "hook-succeeded"], 0, "fixture-web/templates/migrate-hook.yaml")],
            o => o.WithStrictOrdering());
        hooks[0].IsJobOrPod.Should().BeTrue();
        hooks[0].Reference.Should().Be($"Job/hk{major}-migrate");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryKindOfHook_IsKept_AndOnlyJobsAndPodsAreMarked(int major)
    {
        var release = $"kinds{major}";

        var hooks = HookManifest.Parse(TestData($"get-hooks-helm{major}-hook-kinds.txt"));

        hooks.Should().BeEquivalentTo(
            [
                new HookResource("v1", "Secret", $"{release}-test-token", null, ["test"], [], 0, "hook-kinds/templates/cm.yaml"),
                new HookResource("v1", "ConfigMap", $"{release}-migrate-settings", null, ["pre-install", "pre-upgrade"], ["before-hook-creation"], -10, "hook-kinds/templates/cm.yaml"),
                new HookResource("v1", "Pod", $"{release}-smoke", null, ["post-install", "post-upgrade"], [], 0, "hook-kinds/templates/pod.yaml"),
                new HookResource("batch/v1", "Job", $"{release}-migrate", release, ["pre-install", "pre-upgrade"], ["hook-succeeded", "hook-failed"], -5, "hook-kinds/templates/job.yaml"),
            ],
            o => o.WithStrictOrdering());
        hooks.Select(h => h.IsJobOrPod).Should().Equal(false, false, true, true);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("---\n# Source: web/templates/empty.yaml\n# rendered to comments only\n")]
    public void NoHooks_IsAnEmptyList(string yaml)
    {
        HookManifest.Parse(yaml).Should().BeEmpty();
    }

    [Theory]
    [InlineData("kind: Job\napiVersion: batch/v1\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: PRE-UPGRADE , ,Post-Upgrade\n", new[] { "pre-upgrade", "post-upgrade" })]
    [InlineData("kind: Job\napiVersion: batch/v1\nmetadata:\n  name: a\n", new string[0])]
    public void Events_AreTrimmedAndLowerCased_AsHelmReadsThem(string yaml, string[] events)
    {
        HookManifest.Parse(yaml).Single().Events.Should().Equal(events);
    }

    [Theory]
    [InlineData("\"7\"", 7)]
    [InlineData("\"+3\"", 3)]
    [InlineData("\"heavy\"", 0)]
    [InlineData("\"1.5\"", 0)]
    public void Weight_IsAWholeNumberOrZero(string weight, int expected)
    {
        var yaml = $"kind: Pod\napiVersion: v1\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook-weight: {weight}\n";

        HookManifest.Parse(yaml).Single().Weight.Should().Be(expected);
    }

    [Theory]
    [InlineData("apiVersion: example.com/v1\nkind: Job\nmetadata:\n  name: a\n", false)] // someone else's Job kind
    [InlineData("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\n", false)]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n", true)]
    public void OnlyBatchV1JobsAndV1PodsAreMarked(string yaml, bool marked)
    {
        HookManifest.Parse(yaml).Single().IsJobOrPod.Should().Be(marked);
    }

    [Fact]
    public void WindowsLineEndings_AreRead()
    {
        var yaml = TestData("get-hooks-helm3-fixture-web-failed.txt").ReplaceLineEndings("\r\n");

        HookManifest.Parse(yaml).Single().Source.Should().Be("fixture-web/templates/migrate-hook.yaml");
    }

    [Theory]
    [InlineData("---\n# Source: web/templates/a.yaml\nkind: [Job\n", "the hook from web/templates/a.yaml is not valid YAML*")]
    [InlineData("---\n# Source: web/templates/a.yaml\n- a\n- b\n", "the hook from web/templates/a.yaml is not one YAML mapping")]
    [InlineData("---\napiVersion: v1\nmetadata:\n  name: a\n", "a hook document has no kind or no metadata.name")]
    [InlineData("---\napiVersion: v1\nkind: Pod\n", "a hook document has no kind or no metadata.name")]
    public void TextThatIsNotHelmsOutput_IsAFormatException(string yaml, string message)
    {
        var act = () => HookManifest.Parse(yaml);

        act.Should().Throw<FormatException>().WithMessage(message);
    }

    private static string TestData(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));
}
