using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Tests.Cluster;

public class ImageCatalogueTests
{
    [Theory]
    [InlineData("nginx*", "nginx:1.16.0", true)]
    [InlineData("nginx*", "docker.io/library/nginx:1.16.0", false)]
    [InlineData("*/busybox:*", "docker.io/library/busybox:1.36", true)]
    [InlineData("*/busybox:*", "busybox:1.36", false)]
    [InlineData("app:?", "app:1", true)]
    [InlineData("app:?", "app:10", false)]
    [InlineData("ghcr.io/x/y:1.0.0", "ghcr.io/x/y:1.0.0", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    public void GlobMatch_matches_whole_references(string pattern, string image, bool expected) =>
        ImageCatalogue.GlobMatch(pattern, image).Should().Be(expected);

    [Theory]
    [InlineData("nginx:1.16.0", "docker.io/library/nginx:1.16.0")]
    [InlineData("nginx", "docker.io/library/nginx:latest")]
    [InlineData("bitnami/redis:7", "docker.io/bitnami/redis:7")]
    [InlineData("ghcr.io/a/b:1", "ghcr.io/a/b:1")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    public void Normalize_qualifies_docker_hub_names(string image, string expected) =>
        ImageCatalogue.Normalize(image).Should().Be(expected);

    [Fact]
    public void Rules_also_match_the_normalized_reference()
    {
        var catalogue = new ImageCatalogue([new ImageRule("docker.io/library/redis:*", new ImageBehaviour(BehaviourKind.Ready))]);

        catalogue.Find("redis:7").Should().NotBeNull();
    }

    [Fact]
    public void First_matching_rule_wins()
    {
        var catalogue = new ImageCatalogue(
        [
            new ImageRule("app:2.*", new ImageBehaviour(BehaviourKind.Crash)),
            new ImageRule("app:*", new ImageBehaviour(BehaviourKind.Ready)),
        ]);

        catalogue.Find("app:2.1")!.Kind.Should().Be(BehaviourKind.Crash);
        catalogue.Find("app:1.9")!.Kind.Should().Be(BehaviourKind.Ready);
    }

    [Theory]
    [InlineData("sim.local/ready", BehaviourKind.Ready, 0, 1)]
    [InlineData("sim.local/crash:1", BehaviourKind.Crash, 0, 1)]
    [InlineData("sim.local/crash-3:v2", BehaviourKind.Crash, 0, 3)]
    [InlineData("sim.local/oom:1", BehaviourKind.Oom, 0, 137)]
    [InlineData("sim.local/slow-8:1", BehaviourKind.Slow, 8, 1)]
    [InlineData("sim.local/never-ready:1", BehaviourKind.NeverReady, 0, 1)]
    [InlineData("sim.local/restart-once:1", BehaviourKind.RestartOnce, 0, 1)]
    [InlineData("sim.local/complete@sha256:abc", BehaviourKind.Complete, 0, 0)]
    public void The_sim_local_family_names_its_behaviour(string image, BehaviourKind kind, double seconds, int exitCode)
    {
        var behaviour = ClusterConfig.Default.Images.Find(image);

        behaviour.Should().NotBeNull();
        behaviour!.Kind.Should().Be(kind);
        behaviour.Seconds.Should().Be(seconds);
        behaviour.ExitCode.Should().Be(exitCode);
    }

    [Theory]
    [InlineData("sim.local/explode:1")]
    [InlineData("sim.local/slow-x")]
    [InlineData("other.local/crash:1")]
    public void Unknown_images_are_not_found(string image) =>
        ClusterConfig.Default.Images.Find(image).Should().BeNull();

    [Fact]
    public void Parse_applies_field_overrides()
    {
        ImageBehaviour.Parse("slow", seconds: 12).Should().Be(new ImageBehaviour(BehaviourKind.Slow, Seconds: 12));
        ImageBehaviour.Parse("crash", exitCode: 2).ExitCode.Should().Be(2);
    }
}
