using HelmSentinel.Simulator.Cluster;

namespace HelmSentinel.Simulator.Tests.Cluster;

public sealed class HttpBehaviourTests
{
    [Theory]
    [InlineData("sim.local/http-500", HttpBehaviourKind.Error, 0, 0)]
    [InlineData("sim.local/http-500-30", HttpBehaviourKind.ErrorFraction, 0, 30)]
    [InlineData("sim.local/http-slow-2.5", HttpBehaviourKind.Slow, 2.5, 0)]
    [InlineData("sim.local/http-fail-after-60:v2", HttpBehaviourKind.FailAfter, 60, 0)]
    public void Http_images_are_ready_apps_with_an_http_behaviour(string image, HttpBehaviourKind kind, double seconds, int percent)
    {
        // Act
        var behaviour = ImageCatalogue.FromBehaviourRegistry(image);

        // Assert
        behaviour!.Kind.Should().Be(BehaviourKind.Ready);
        behaviour.Http.Should().Be(new HttpBehaviour(kind, seconds, percent));
    }

    [Theory]
    [InlineData("sim.local/http-500-101")]
    [InlineData("sim.local/http-slow--1")]
    [InlineData("sim.local/http-teapot")]
    public void Malformed_http_behaviours_are_not_in_the_catalogue(string image) =>
        ImageCatalogue.FromBehaviourRegistry(image).Should().BeNull();

    [Fact]
    public void A_cluster_file_gives_any_behaviour_an_http_behaviour()
    {
        // Act
        var config = ClusterConfig.Parse("""
            syntheticTraffic: 2
            images:
              - match: "myco/api:2.*"
                behaviour: slow-8
                http: fail-after-30
              - match: myco/api:3
                behaviour: http-500-10
            """);

        // Assert
        config.SyntheticRequestsPerSecond.Should().Be(2);
        config.Images.Find("myco/api:2.1").Should().Be(new ImageBehaviour(BehaviourKind.Slow, Seconds: 8, Http: new HttpBehaviour(HttpBehaviourKind.FailAfter, 30)));
        config.Images.Find("myco/api:3")!.Http.Should().Be(new HttpBehaviour(HttpBehaviourKind.ErrorFraction, Percent: 10));
        FluentActions.Invoking(() => ClusterConfig.Parse("images: [{ match: x, http: 404 }]")).Should().Throw<FormatException>().WithMessage("*Unknown HTTP behaviour '404'*");
    }

    [Theory]
    [InlineData(50, new long[] { 2, 4, 6, 8, 10 })]
    [InlineData(25, new long[] { 4, 8 })]
    [InlineData(30, new long[] { 4, 7, 10 })]
    [InlineData(0, new long[0])]
    public void A_fraction_fails_evenly_spread_requests(int percent, long[] failing) =>
        Enumerable.Range(1, 10).Where(n => HttpBehaviour.Fails(n, percent)).Select(n => (long)n).Should().Equal(failing);

    [Fact]
    public void Synthetic_traffic_is_answered_as_the_behaviour_answers()
    {
        // Arrange
        var ten = TimeSpan.FromSeconds(10);

        // Act / Assert
        HttpBehaviour.Healthy.Synthetic(ten, 10).Should().Be((100L, 0L));
        new HttpBehaviour(HttpBehaviourKind.Error).Synthetic(ten, 10).Should().Be((0L, 100L));
        new HttpBehaviour(HttpBehaviourKind.ErrorFraction, Percent: 30).Synthetic(ten, 10).Should().Be((70L, 30L));
        new HttpBehaviour(HttpBehaviourKind.Slow, Seconds: 4).Synthetic(ten, 10).Should().Be((60L, 0L), "answers given only for what was sent 4 s ago");
        new HttpBehaviour(HttpBehaviourKind.FailAfter, Seconds: 6).Synthetic(ten, 10).Should().Be((59L, 41L), "sent before 6 s: 59 of them");
        HttpBehaviour.Healthy.Synthetic(ten, 0).Should().Be((0L, 0L));
    }

    [Fact]
    public void Answers_follow_the_behaviour()
    {
        new HttpBehaviour(HttpBehaviourKind.Slow, Seconds: 5).Answer(1, TimeSpan.Zero).Should().Be((200, TimeSpan.FromSeconds(5)));
        new HttpBehaviour(HttpBehaviourKind.FailAfter, Seconds: 5).Answer(1, TimeSpan.FromSeconds(4.9)).Should().Be((200, TimeSpan.Zero));
        new HttpBehaviour(HttpBehaviourKind.FailAfter, Seconds: 5).Answer(2, TimeSpan.FromSeconds(5)).Should().Be((500, TimeSpan.Zero));
    }
}
