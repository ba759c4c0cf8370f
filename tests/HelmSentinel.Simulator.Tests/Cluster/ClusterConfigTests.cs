using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Tests.Cluster;

public class ClusterConfigTests
{
    [Fact]
    public void Default_has_one_node_and_knows_the_helm_create_image()
    {
        var config = ClusterConfig.Default;

        config.Nodes.Should().ContainSingle().Which.Name.Should().Be("sim-node-1");
        config.Images.Find("nginx:1.16.0")!.Kind.Should().Be(BehaviourKind.Ready);
        config.Images.Find("ghcr.io/helm-sentinel/demo-web:2.0.0")!.Kind.Should().Be(BehaviourKind.Crash);
        config.Images.Find("ghcr.io/helm-sentinel/demo-web:2.0.0")!.Logs![^1].Should().Be("panic: required setting DATABASE_URL is not set");
        config.Images.Find("ghcr.io/helm-sentinel/demo-web:1.0.0")!.Kind.Should().Be(BehaviourKind.Ready);
        config.Images.Find("registry.k8s.io/pause:3.10")!.Kind.Should().Be(BehaviourKind.Ready);
        config.Images.Find("example.com/unknown:1").Should().BeNull();
    }

    [Fact]
    public void Parse_reads_nodes_images_and_timing()
    {
        var config = ClusterConfig.Parse("""
            nodes:
              - name: small
                cpu: 500m
                memory: 1Gi
              - name: big
                cpu: "4"
                memory: 8Gi
                pods: 20
            images:
              - match: "myco/api:*"
                behaviour: slow
                seconds: 8
              - match: myco/worker:2
                behaviour: crash
                exitCode: 3
                logs:
                  - booting
                  - "fatal: queue unreachable"
              - match: myco/cache*
                behaviour: oom
            timing:
              pullDelay: 10ms
              crashBackoffBase: 2s
              crashBackoffCap: 1m
            """);

        config.Nodes.Should().Equal(
            new NodeConfig("small", 500, 1024L * 1024 * 1024),
            new NodeConfig("big", 4000, 8L * 1024 * 1024 * 1024, 20));
        config.Images.Find("myco/api:1.2").Should().Be(new ImageBehaviour(BehaviourKind.Slow, Seconds: 8));
        var worker = config.Images.Find("myco/worker:2")!;
        worker.Kind.Should().Be(BehaviourKind.Crash);
        worker.ExitCode.Should().Be(3);
        worker.Logs.Should().Equal("booting", "fatal: queue unreachable");
        config.Images.Find("myco/cache:7")!.Kind.Should().Be(BehaviourKind.Oom);
        config.Images.Find("nginx:1.25")!.Kind.Should().Be(BehaviourKind.Ready, "the default catalogue still applies");
        config.Timing.PullDelay.Should().Be(TimeSpan.FromMilliseconds(10));
        config.Timing.CrashBackoffBase.Should().Be(TimeSpan.FromSeconds(2));
        config.Timing.CrashBackoffCap.Should().Be(TimeSpan.FromMinutes(1));
        config.Timing.ScheduleDelay.Should().Be(ClusterConfig.Default.Timing.ScheduleDelay);
    }

    [Fact]
    public void Parse_accepts_the_short_image_map_and_can_drop_the_default_catalogue()
    {
        var config = ClusterConfig.Parse("""
            defaultImages: false
            images:
              "nginx:1.16.0": never-ready
              "app:*": slow-3
            """);

        config.Images.Find("nginx:1.16.0")!.Kind.Should().Be(BehaviourKind.NeverReady);
        config.Images.Find("nginx:1.17.0").Should().BeNull();
        config.Images.Find("app:v1").Should().Be(new ImageBehaviour(BehaviourKind.Slow, Seconds: 3));
        config.Images.Find("sim.local/crash:1")!.Kind.Should().Be(BehaviourKind.Crash, "the sim.local family is always known");
    }

    [Fact]
    public void Parse_of_an_empty_file_is_the_default()
    {
        ClusterConfig.Parse(string.Empty).Should().BeSameAs(ClusterConfig.Default);
    }

    [Fact]
    public void Parse_reads_the_unserved_api_versions_and_keeps_them_in_copies()
    {
        var config = ClusterConfig.Parse("unservedApiVersions:\n  - batch/v1\n  - apps/v1\n");

        config.UnservedApiVersions.Should().Equal("batch/v1", "apps/v1");
        config.WithSyntheticTraffic(0).UnservedApiVersions.Should().Equal("batch/v1", "apps/v1");
        ClusterConfig.Default.UnservedApiVersions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("nodes: 3", "'nodes' must be a non-empty list")]
    [InlineData("colour: blue", "Unknown cluster file key 'colour'")]
    [InlineData("images:\n  - match: x\n    behaviour: explode", "Unknown image behaviour 'explode'")]
    [InlineData("timing:\n  pullDelay: soon", "'soon' is not a duration")]
    [InlineData("nodes:\n  - memory: lots", "'lots' is not a Kubernetes quantity")]
    [InlineData("unservedApiVersions: batch/v1", "'unservedApiVersions' must be a list")]
    [InlineData("unservedApiVersions: [batch/v1beta1]", "'unservedApiVersions' names 'batch/v1beta1', which the simulator does not serve (known: v1, apps/v1, batch/v1, apiextensions.k8s.io/v1)")]
    public void Parse_rejects_invalid_files_with_a_helpful_message(string yaml, string expected)
    {
        var act = () => ClusterConfig.Parse(yaml);

        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Load_reads_a_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "nodes:\n  - name: n1\n    cpu: 2\n    memory: 4Gi\n");
            ClusterConfig.Load(path).Nodes.Should().ContainSingle().Which.MilliCpu.Should().Be(2000);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("500m", 500)]
    [InlineData("4", 4000)]
    [InlineData("0.25", 250)]
    [InlineData("1.5", 1500)]
    public void MilliCores_parses_cpu_quantities(string text, long expected) =>
        Quantity.MilliCores(text).Should().Be(expected);

    [Theory]
    [InlineData("128Mi", 134217728)]
    [InlineData("8Gi", 8589934592)]
    [InlineData("1G", 1000000000)]
    [InlineData("999Gi", 1072668082176)]
    [InlineData("1000", 1000)]
    public void Bytes_parses_memory_quantities(string text, long expected) =>
        Quantity.Bytes(text).Should().Be(expected);
}
