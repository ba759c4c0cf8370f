using System.Net;
using HelmSentinel.Resilience.GitHub;
using HelmSentinel.TestSupport;
using Octokit;

namespace HelmSentinel.Tests.Resilience.GitHub;

public class GitHubRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly GitHubRetryOptions Options = new();

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(429, true)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(422, false)]
    public void IsTransient_RetriesServerErrorsAndThrottlingOnly(int status, bool transient)
    {
        GitHubRetry.IsTransient(Api((HttpStatusCode)status)).Should().Be(transient);
    }

    [Fact]
    public void IsTransient_RetriesRateLimitsAndNetworkFailures()
    {
        GitHubRetry.IsTransient(new SecondaryRateLimitExceededException(Response(HttpStatusCode.Forbidden))).Should().BeTrue();
        GitHubRetry.IsTransient(new HttpRequestException("connection refused")).Should().BeTrue();
        GitHubRetry.IsTransient(new InvalidOperationException()).Should().BeFalse();
    }

    [Fact]
    public void RequestedDelay_HonoursRetryAfterInSeconds()
    {
        GitHubRetry.RequestedDelay(Api((HttpStatusCode)429, ("Retry-After", "7")), Now, Options).Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void RequestedDelay_HonoursRetryAfterAsADate()
    {
        GitHubRetry.RequestedDelay(Api((HttpStatusCode)429, ("retry-after", "Mon, 30 Nov 2026 12:00:20 GMT")), Now, Options).Should().Be(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void RequestedDelay_WaitsForTheRateLimitResetWhenNothingRemains()
    {
        var reset = Now.AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        GitHubRetry.RequestedDelay(Api(HttpStatusCode.Forbidden, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)), Now, Options)
            .Should().Be(TimeSpan.FromSeconds(42));
    }

    [Fact]
    public void RequestedDelay_OfASecondaryLimitWithoutATime_IsAMinute()
    {
        GitHubRetry.RequestedDelay(new SecondaryRateLimitExceededException(Response(HttpStatusCode.Forbidden)), Now, Options).Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void RequestedDelay_IsCappedAndLeavesOtherFailuresToTheBackOff()
    {
        GitHubRetry.RequestedDelay(Api((HttpStatusCode)429, ("Retry-After", "3600")), Now, Options).Should().Be(Options.MaxDelay);
        GitHubRetry.RequestedDelay(Api(HttpStatusCode.BadGateway), Now, Options).Should().BeNull();
    }

    [Fact]
    public async Task Pipeline_RetriesA502UntilItSucceeds()
    {
        var warnings = new List<string>();
        var pipeline = GitHubRetry.Create(new GitHubRetryOptions(), new ManualClock { AutoAdvance = true }, warnings.Add);
        var calls = 0;

        var result = await pipeline.ExecuteAsync(_ => ++calls < 3 ? throw Api(HttpStatusCode.BadGateway) : ValueTask.FromResult("created"));

        result.Should().Be("created");
        calls.Should().Be(3);
        warnings.Should().HaveCount(2).And.AllSatisfy(w => w.Should().StartWith("GitHub API: 502 BadGateway (attempt "));
    }

    [Fact]
    public async Task Pipeline_DoesNotRetryA404()
    {
        var pipeline = GitHubRetry.Create(new GitHubRetryOptions(), new ManualClock { AutoAdvance = true });
        var calls = 0;

        var act = async () => await pipeline.ExecuteAsync<string>(_ => { calls++; throw new NotFoundException("nope", HttpStatusCode.NotFound); });

        await act.Should().ThrowAsync<NotFoundException>();
        calls.Should().Be(1);
    }

    private static ApiException Api(HttpStatusCode status, params (string Name, string Value)[] headers) => new(Response(status, headers));

    private static FakeResponse Response(HttpStatusCode status, params (string Name, string Value)[] headers) =>
        new(status, headers.ToDictionary(h => h.Name, h => h.Value));

    private sealed class FakeResponse(HttpStatusCode status, Dictionary<string, string> headers) : IResponse
    {
        public object Body => "{\"message\":\"x\"}";

        public IReadOnlyDictionary<string, string> Headers => headers;

        public ApiInfo ApiInfo => null!;

        public HttpStatusCode StatusCode => status;

        public string ContentType => "application/json";
    }
}
