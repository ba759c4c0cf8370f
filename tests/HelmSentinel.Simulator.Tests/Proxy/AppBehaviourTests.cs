using System.Text.RegularExpressions;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Simulator.Tests.Proxy;

public sealed partial class AppBehaviourTests
{
    private const string Web = "/api/v1/namespaces/default/services/web:http/proxy";

    /// <summary>A bound on the stop, not a measurement: the brief's two seconds.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task An_http_500_app_is_Ready_and_answers_500_on_every_path()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync();
        session.Pod("web-1", "sim.local/http-500");
        session.Service("web");
        await session.ReadyAsync("web-1");

        // Act
        var root = await session.GetTextAsync(Web + "/");
        var health = await session.GetTextAsync(Web + "/healthz");

        // Assert
        root.Code.Should().Be(500);
        health.Code.Should().Be(500);
        health.Body.Should().Contain("\"status\":\"error\"").And.Contain("\"pod\":\"web-1\"");
    }

    [Fact]
    public async Task An_http_500_fraction_app_fails_the_same_requests_every_time()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync();
        session.Pod("web-1", "sim.local/http-500-25");
        session.Service("web");
        await session.ReadyAsync("web-1");

        // Act
        var codes = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add((await session.GetTextAsync(Web + "/")).Code);
        }

        // Assert
        codes.Should().Equal(200, 200, 200, 500, 200, 200, 200, 500);
    }

    [Fact]
    public async Task An_http_slow_app_answers_only_once_the_manual_clock_has_moved_its_seconds()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync();
        session.Pod("web-1", "sim.local/http-slow-5");
        session.Service("web");
        await session.ReadyAsync("web-1");
        var timers = session.Time.PendingTimers;

        // Act
        var answer = session.GetTextAsync(Web + "/slow");
        await Eventually.WaitUntilAsync(() => session.Time.PendingTimers > timers, "the app's delay is set on the clock", TimeSpan.FromSeconds(10));
        session.Time.Advance(TimeSpan.FromSeconds(4.9));
        var pendingBefore = session.Time.PendingTimers;
        var answeredEarly = answer.IsCompleted;
        session.Time.Advance(TimeSpan.FromSeconds(0.1));
        var (code, body) = await answer.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        answeredEarly.Should().BeFalse();
        pendingBefore.Should().Be(timers + 1, "the delay had not fired at 4.9 s, and only it answers the request");
        code.Should().Be(200);
        body.Should().Contain("\"path\":\"/slow\"");
    }

    [Fact]
    public async Task An_http_fail_after_app_is_healthy_for_its_seconds_after_Ready_then_answers_500()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync();
        session.Pod("web-1", "sim.local/http-fail-after-30");
        session.Service("web");
        await session.ReadyAsync("web-1");

        // Act
        var early = await session.GetTextAsync(Web + "/");
        await session.AdvanceAsync(TimeSpan.FromSeconds(29));
        var beforeDeadline = await session.GetTextAsync(Web + "/");
        await session.AdvanceAsync(TimeSpan.FromSeconds(1));
        var after = await session.GetTextAsync(Web + "/");

        // Assert
        early.Code.Should().Be(200);
        beforeDeadline.Code.Should().Be(200);
        after.Code.Should().Be(500);
        session.IsReady("web-1").Should().BeTrue("only HTTP shows the fault");
    }

    [Fact]
    public async Task Metrics_count_the_proxied_answers_by_method_and_code_but_not_the_scrapes()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync(syntheticTraffic: 0);
        session.Pod("web-1", "sim.local/http-500-50");
        session.Service("web");
        await session.ReadyAsync("web-1");
        for (var i = 0; i < 3; i++)
        {
            await session.GetTextAsync(Web + "/");
        }

        using var post = await session.Http.PostAsync(new Uri(Web + "/orders", UriKind.Relative), null);

        // Act
        using var response = await session.GetAsync(Web + "/metrics");
        var first = await response.Content.ReadAsStringAsync();
        var second = (await session.GetTextAsync(Web + "/metrics")).Body;

        // Assert
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        first.Should().Be("""
            # HELP http_requests_total HTTP requests answered by the app, by method and status code: requests through the API server proxy plus the simulator's synthetic traffic.
            # TYPE http_requests_total counter
            http_requests_total{app="web",code="200",method="GET",namespace="default",pod="web-1"} 2
            http_requests_total{app="web",code="500",method="GET",namespace="default",pod="web-1"} 1
            http_requests_total{app="web",code="500",method="POST",namespace="default",pod="web-1"} 1

            """.ReplaceLineEndings("\n"));
        second.Should().Be(first);
    }

    [Theory]
    [InlineData("sim.local/ready", 100, 0)]
    [InlineData("sim.local/http-500", 0, 100)]
    [InlineData("sim.local/http-500-30", 70, 30)]
    public async Task Synthetic_traffic_of_ten_requests_a_second_follows_the_behaviour(string image, long ok, long errors)
    {
        // Arrange
        await using var session = await ProxySession.StartAsync(syntheticTraffic: 10);
        session.Pod("web-1", image);
        session.Service("web");
        await session.ReadyAsync("web-1");
        var before = Counts((await session.GetTextAsync(Web + "/metrics")).Body);

        // Act
        await session.AdvanceAsync(TimeSpan.FromSeconds(10));
        var after = Counts((await session.GetTextAsync(Web + "/metrics")).Body);

        // Assert
        (after.Ok - before.Ok, after.Errors - before.Errors).Should().Be((ok, errors));
    }

    [Fact]
    public async Task Synthetic_traffic_of_a_fail_after_app_turns_to_500_at_its_deadline()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync(syntheticTraffic: 10);
        session.Pod("web-1", "sim.local/http-fail-after-20");
        session.Service("web");
        await session.ReadyAsync("web-1");
        var start = session.Time.GetUtcNow();

        // Act
        await session.AdvanceAsync(TimeSpan.FromSeconds(10));
        var healthy = Counts((await session.GetTextAsync(Web + "/metrics")).Body);
        await session.AdvanceAsync(TimeSpan.FromSeconds(20));
        var failing = Counts((await session.GetTextAsync(Web + "/metrics")).Body);

        // Assert
        healthy.Errors.Should().Be(0);
        healthy.Ok.Should().BeGreaterThan(90);
        (failing.Ok + failing.Errors - healthy.Ok - healthy.Errors).Should().Be(200, "ten a second for twenty seconds");
        failing.Errors.Should().BeGreaterThanOrEqualTo(100, $"everything sent from 20 s after Ready on fails (now {session.Time.GetUtcNow() - start} after the readiness wait)");
    }

    [Fact]
    public async Task A_slow_answer_pending_on_the_manual_clock_does_not_hold_the_stop()
    {
        // Arrange
        await using var session = await ProxySession.StartAsync();
        session.Pod("web-1", "sim.local/http-slow-60");
        session.Service("web");
        await session.ReadyAsync("web-1");
        var timers = session.Time.PendingTimers;
        var answer = session.GetTextAsync(Web + "/");
        await Eventually.WaitUntilAsync(() => session.Time.PendingTimers > timers, "the app's delay is set on the clock", TimeSpan.FromSeconds(10));

        // Act
        await session.Simulator.DisposeAsync().AsTask().WaitAsync(StopBound);
        var ended = await Record.ExceptionAsync(() => answer.WaitAsync(StopBound));

        // Assert
        ended.Should().BeAssignableTo<HttpRequestException>("the connection went down with the server, unanswered");
    }

    private static (long Ok, long Errors) Counts(string metrics)
    {
        long Sum(string code) => SeriesPattern().Matches(metrics).Where(m => m.Groups["code"].Value == code).Sum(m => long.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
        return (Sum("200"), Sum("500"));
    }

    [GeneratedRegex("""^http_requests_total\{[^}]*code="(?<code>\d+)"[^}]*\} (?<n>\d+)$""", RegexOptions.Multiline)]
    private static partial Regex SeriesPattern();
}
