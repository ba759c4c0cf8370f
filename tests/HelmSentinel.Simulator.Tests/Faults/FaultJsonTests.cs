using HelmSentinel.Simulator.Cluster;
using HelmSentinel.Simulator.Faults;

namespace HelmSentinel.Simulator.Tests.Faults;

/// <summary>The text form of faults: the cluster file's <c>faults:</c> list and the JSON of <c>/_sim/faults</c>.</summary>
public sealed class FaultJsonTests
{
    [Fact]
    public void The_cluster_file_faults_section_reads_every_kind()
    {
        // Arrange
        const string yaml = """
            faults:
              - id: history-unavailable
                kind: status
                code: 503
                verb: list
                releaseSecrets: true
                forRequests: 2
              - kind: status
                code: 429
                resource: pods
                retryAfterSeconds: 2
                fromTime: 10s
                forTime: 1m
              - kind: leader-changed
                namespace: "shop-*"
                fromRequest: 3
              - kind: conflict
                verb: update
                resource: deployments
                name: web
              - kind: latency
                delay: 1.5s
                path: /version
              - kind: reset
                verb: create
                resource: configmaps
              - kind: watch-cut
                resource: pods
                afterEvents: 3
                afterTime: 30s
              - kind: refuse-release-writes
                code: 500
                message: "failed calling webhook \"audit.example.com\""
            """;

        // Act
        var faults = ClusterConfig.Parse(yaml).Faults;

        // Assert
        faults.Select(f => f.Kind).Should().Equal(
            FaultKind.Status, FaultKind.Status, FaultKind.LeaderChanged, FaultKind.Conflict, FaultKind.Latency, FaultKind.Reset, FaultKind.WatchCut, FaultKind.RefuseReleaseWrites);
        faults[0].Should().Be(new FaultRule { Id = "history-unavailable", Kind = FaultKind.Status, Code = 503, Verb = "list", ReleaseSecrets = true, ForRequests = 2 });
        faults[1].Should().Be(new FaultRule
        {
            Kind = FaultKind.Status, Code = 429, Resource = "pods", RetryAfterSeconds = 2, FromTime = TimeSpan.FromSeconds(10), ForTime = TimeSpan.FromMinutes(1),
        });
        (faults[2].Namespace, faults[2].FromRequest).Should().Be(("shop-*", 3));
        (faults[3].Verb, faults[3].Resource, faults[3].Name).Should().Be(("update", "deployments", "web"));
        (faults[4].Delay, faults[4].Path).Should().Be((TimeSpan.FromMilliseconds(1500), "/version"));
        (faults[6].AfterEvents, faults[6].AfterTime).Should().Be((3, TimeSpan.FromSeconds(30)));
        (faults[7].EffectiveCode, faults[7].Message).Should().Be((500, "failed calling webhook \"audit.example.com\""));
    }

    [Fact]
    public void A_cluster_file_without_faults_has_none()
    {
        // Act
        var config = ClusterConfig.Parse("timing: { pullDelay: 10ms }");

        // Assert
        config.Faults.Should().BeEmpty();
        ClusterConfig.Default.Faults.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{"kind":"status","code":503,"colour":"red"}""", "unknown fault key 'colour'*")]
    [InlineData("""{"code":503}""", "a fault needs 'kind'*")]
    [InlineData("""{"kind":"teapot"}""", "unknown fault kind 'teapot'*")]
    [InlineData("""{"kind":"status","code":"five"}""", "fault key 'code' must be a whole number, not 'five'")]
    [InlineData("""{"kind":"latency","delay":"soon"}""", "fault key 'delay': 'soon' is not a duration*")]
    [InlineData("""{"kind":"status","code":418}""", "fault 'status': a status fault answers 500, 503 or 429, not 418")]
    [InlineData("""[1]""", "a fault must be an object*")]
    public void Invalid_faults_are_a_FormatException_naming_what_is_wrong(string json, string message)
    {
        // Act
        var parse = () => FaultJson.ParseText(json);

        // Assert
        parse.Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void Faults_section_must_be_a_list()
    {
        // Act
        var parse = () => ClusterConfig.Parse("faults: { kind: reset }");

        // Assert
        parse.Should().Throw<FormatException>().WithMessage("'faults' must be a list*");
    }

    [Fact]
    public void The_JSON_form_reads_back_as_the_same_fault_with_its_defaults_spelled_out()
    {
        // Arrange
        var rules = new[]
        {
            new FaultRule { Id = "a", Kind = FaultKind.Status, Code = 429, ForTime = TimeSpan.FromMilliseconds(1500) },
            new FaultRule { Id = "b", Kind = FaultKind.Latency, Delay = TimeSpan.FromMilliseconds(250), Name = "sh.helm.*", FromTime = TimeSpan.FromMinutes(2) },
            new FaultRule { Id = "c", Kind = FaultKind.RefuseReleaseWrites, User = "system:serviceaccount:ci:deployer", ForRequests = 1 },
            new FaultRule { Id = "d", Kind = FaultKind.WatchCut, AfterEvents = 2, ReleaseSecrets = true, Path = "/api/v1/*" },
        };

        // Act
        var json = rules.Select(r => FaultJson.ToJson(r)).ToList();
        var back = json.Select(j => FaultJson.Parse(j)).ToList();

        // Assert
        json[0].ToJsonString().Should().Be("""{"id":"a","kind":"status","verb":"*","resource":"*","namespace":"*","fromRequest":1,"forTime":"1.5s","code":429,"retryAfterSeconds":1}""");
        json[1].ToJsonString().Should().Be("""{"id":"b","kind":"latency","verb":"*","resource":"*","namespace":"*","name":"sh.helm.*","fromRequest":1,"fromTime":"120s","delay":"250ms"}""");
        back.Should().Equal(rules[0] with { RetryAfterSeconds = 1 }, rules[1], rules[2] with { Code = 403 }, rules[3]);
    }
}
