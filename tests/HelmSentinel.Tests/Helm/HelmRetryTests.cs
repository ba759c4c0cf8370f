using HelmSentinel.Deploy;
using HelmSentinel.Helm;
using HelmSentinel.Resilience.Helm;
using HelmSentinel.Tests.Support;
using HelmSentinel.TestSupport;

namespace HelmSentinel.Tests.Helm;

public class HelmRetryTests
{
    private const string Unreachable3 =
        "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused\n";

    private const string Unreachable4 =
        "Error: kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": dial tcp 127.0.0.1:1: connect: connection refused\n";

    private const string SchemaError =
        "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nchart:\n- replicaCount: Invalid type. Expected: integer, given: string\n";

    private static readonly DeployRequest Request = new() { Release = "web", Chart = "repo/web" };

    private static HelmCli Cli(ScriptedHelmProcess process, RecordingLog log, int retries = 4) =>
        new(process, "helm", log, SecretMasker.None, HelmCli.Pipeline(new HelmRetryOptions { MaxRetries = retries, BaseDelay = TimeSpan.FromSeconds(2) }, new ManualClock { AutoAdvance = true }, log, SecretMasker.None));

    [Theory]
    [InlineData(Unreachable3)]
    [InlineData(Unreachable4)]
    public async Task TransientTwiceThenSuccess_IsRetriedUntilItSucceeds(string transient)
    {
        var process = new ScriptedHelmProcess()
            .Then("upgrade", ScriptedHelmProcess.Fail(transient))
            .Then("upgrade", ScriptedHelmProcess.Fail(transient))
            .Then("upgrade", ScriptedHelmProcess.Ok("Release \"web\" has been upgraded. Happy Helming!\n"));
        var log = new RecordingLog();

        var result = await Cli(process, log).RunMutatingAsync(HelmArguments.Upgrade(Request.ToHelmUpgrade(), HelmVersion.Parse("v3.17.2")), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        process.Commands.Should().Equal("upgrade", "upgrade", "upgrade");
        log.Lines.Where(l => l.Contains("transient error", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.Contain(l => l.Contains("attempt 1 of 5", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("attempt 2 of 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PermanentError_IsReturnedAfterOneAttempt()
    {
        var process = new ScriptedHelmProcess().Then("upgrade", ScriptedHelmProcess.Fail(SchemaError));
        var log = new RecordingLog();

        var result = await Cli(process, log).RunMutatingAsync(HelmArguments.Upgrade(Request.ToHelmUpgrade(), HelmVersion.Parse("v4.1.4")), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.ErrorText.Should().StartWith("values don't meet the specifications");
        process.Commands.Should().Equal("upgrade");
        log.Lines.Should().NotContain(l => l.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TransientForever_StopsAfterTheConfiguredAttempts()
    {
        var process = new ScriptedHelmProcess().Always("history", ScriptedHelmProcess.Fail(Unreachable3));
        var log = new RecordingLog();

        var act = () => Cli(process, log, retries: 3).HistoryAsync(Request.Target, CancellationToken.None);

        await act.Should().ThrowAsync<HelmCommandException>().WithMessage("*cluster unreachable*");
        process.Commands.Should().HaveCount(4);
    }

    [Fact]
    public async Task Backoff_WithoutJitter_DoublesEachTime()
    {
        var (delays, waited) = await DelaysOfThreeRetries(jitter: false);

        delays.Should().Equal(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));
        waited.Should().Be(TimeSpan.FromSeconds(70), "each back-off is really waited, on the pipeline's clock");
    }

    [Fact]
    public async Task Backoff_WithJitter_StaysPositiveAndUnderTheCap()
    {
        var (delays, waited) = await DelaysOfThreeRetries(jitter: true);

        delays.Should().HaveCount(3).And.OnlyContain(d => d > TimeSpan.Zero && d <= TimeSpan.FromSeconds(50));
        waited.Should().BeCloseTo(delays.Aggregate(TimeSpan.Zero, (a, b) => a + b), TimeSpan.FromMilliseconds(3), "timers have whole milliseconds");
    }

    private static async Task<(List<TimeSpan> Delays, TimeSpan Waited)> DelaysOfThreeRetries(bool jitter)
    {
        var clock = new ManualClock { AutoAdvance = true };
        var started = clock.GetUtcNow();
        var delays = new List<TimeSpan>();
        var pipeline = HelmRetry.Create(
            new HelmRetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(50), UseJitter = jitter },
            clock,
            attempt => delays.Add(attempt.Delay));
        var failing = ScriptedHelmProcess.Fail(Unreachable3);

        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(failing));
        return (delays, clock.GetUtcNow() - started);
    }

    [Fact]
    public async Task CancelledRun_IsNotRetried()
    {
        var cancelled = new HelmProcessResult(-1, "", Unreachable3, TimeSpan.Zero, Cancelled: true);
        var calls = 0;
        var pipeline = HelmRetry.Create(new HelmRetryOptions(), new ManualClock { AutoAdvance = true });

        await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return ValueTask.FromResult(cancelled);
        });

        calls.Should().Be(1);
    }
}
