using HelmSentinel.TestSupport;
using HelmSentinel.Verify;

namespace HelmSentinel.Tests.Verify;

/// <summary><see cref="VerificationRun"/> on a manual clock that jumps to each wait, with scripted probes that
/// record when they were sampled: no sleeps, every time exact.</summary>
public sealed class VerificationRunTests
{
    private static readonly CheckSample Ok = new(SampleKind.Passed, "200", "GET /healthz answered 200");
    private static readonly CheckSample Bad = new(SampleKind.Failed, "503", "GET /healthz answered 503 (expected 200)");
    private static readonly CheckSample Timeout = new(SampleKind.Error, null, "GET /healthz did not answer within 2s");
    private static readonly CheckSample Blind = new(SampleKind.Inconclusive, null, "the query returned no series");

    private readonly ManualClock _clock = new() { AutoAdvance = true };
    private readonly List<(TimeSpan At, string Mark)> _marks = [];

    [Fact]
    public async Task AHealthyCheck_IsSampledAtEachIntervalAndAtTheBakesEnd_AndPasses()
    {
        var probe = Probe(_ => Ok);
        var spec = Spec(Http("healthz"));

        var report = await Run(spec, ("healthz", probe));

        report.Verdict.Should().Be(VerificationVerdict.Passed);
        probe.Times.Should().Equal(Enumerable.Range(0, 13).Select(i => Seconds(5 * i)));
        (report.Ended - report.Started).Should().Be(Seconds(60));
        report.Checks.Should().ContainSingle().Which.Should().Be(
            new CheckReport("healthz", "http", 13, 0, 0, "200", null, null, CheckVerdict.Passed, null));
        report.FailedCheck.Should().BeNull();
        _marks.Should().Equal((TimeSpan.Zero, "verification started"));
    }

    [Fact]
    public async Task AnIntervalThatDoesNotDivideTheBake_StillSamplesAtTheBakesEnd()
    {
        var probe = Probe(_ => Ok);

        await Run(Spec(Http("healthz") with { Interval = Seconds(7) }, bake: 20), ("healthz", probe));

        probe.Times.Should().Equal(Seconds(0), Seconds(7), Seconds(14), Seconds(20));
    }

    [Fact]
    public async Task FailuresUpToTheLimit_AreTolerated_AndTheOneBeyondItEndsTheBakeAtOnce()
    {
        var probe = Probe(i => i is 1 or 3 ? Bad : Ok);

        var report = await Run(Spec(Http("healthz") with { FailureLimit = 1 }), ("healthz", probe));

        report.Verdict.Should().Be(VerificationVerdict.Failed);
        report.FailedCheck.Should().Be("healthz");
        report.Reason.Should().Be("healthz: GET /healthz answered 503 (expected 200), 2 failures (failureLimit 1)");
        (report.Ended - report.Started).Should().Be(Seconds(15));
        probe.Times.Should().HaveCount(4);
        report.Checks[0].Should().BeEquivalentTo(new { Samples = 4, Failures = 2, Errors = 0, LastValue = "503", Verdict = CheckVerdict.Failed });
        _marks.Should().Equal((TimeSpan.Zero, "verification started"), (Seconds(15), "check healthz failed"));
    }

    [Fact]
    public async Task WithoutAFailureLimit_TheFirstFailureFails_WithTheProbesWordsAfterTheCheckName()
    {
        var report = await Run(Spec(Http("healthz")), ("healthz", Probe(_ => Bad)));

        report.Reason.Should().Be("healthz: GET /healthz answered 503 (expected 200)");
        report.Ended.Should().Be(report.Started);
    }

    [Fact]
    public async Task IntermittentSingleErrors_DoNotFailTheCheck_AndAreCounted()
    {
        var report = await Run(Spec(Http("healthz")), ("healthz", Probe(i => i % 2 == 0 ? Timeout : Ok)));

        report.Verdict.Should().Be(VerificationVerdict.Passed, report.Reason);
        report.Checks[0].Should().BeEquivalentTo(new { Samples = 13, Errors = 7, Failures = 0, Verdict = CheckVerdict.Passed });
    }

    [Fact]
    public async Task MoreErrorsInARowThanTheLimit_FailTheCheck_SayingSo()
    {
        var probe = Probe(i => i == 0 ? Ok : Timeout);

        var report = await Run(Spec(Http("healthz") with { ConsecutiveErrorLimit = 3 }), ("healthz", probe));

        report.Verdict.Should().Be(VerificationVerdict.Failed);
        report.Reason.Should().Be("healthz: 4 errors in a row (consecutiveErrorLimit 3), the last: GET /healthz did not answer within 2s");
        (report.Ended - report.Started).Should().Be(Seconds(20));
    }

    [Fact]
    public async Task TheFirstCheckThatFails_EndsTheBakeAtOnce_AndTheOthersAreNotSampledAfter()
    {
        var failing = Probe(i => i == 2 ? Bad : Ok);
        var other = Probe(_ => Ok);
        var spec = Spec(Http("healthz"), Http("other") with { Interval = Seconds(3) });

        var report = await Run(spec, ("healthz", failing), ("other", other));

        report.Verdict.Should().Be(VerificationVerdict.Failed);
        report.FailedCheck.Should().Be("healthz");
        report.Ended.Should().Be(report.Started + Seconds(10));
        other.Times.Should().Equal(Seconds(0), Seconds(3), Seconds(6), Seconds(9));
        report.Checks[1].Should().BeEquivalentTo(new { Samples = 4, Verdict = CheckVerdict.Inconclusive, Reason = "stopped after 4 samples: healthz failed" });
        _marks.Should().EndWith((Seconds(10), "check healthz failed"));
    }

    [Fact]
    public async Task AFailure_CancelsASampleStillUnderWay_WhichIsNotCounted()
    {
        var sampling = CancellationToken.None;
        var hanging = new ScriptedProbe(_clock, async (_, token) =>
        {
            sampling = token;
            await Task.Delay(System.Threading.Timeout.Infinite, token);
            return Ok;
        });

        var report = await Run(Spec(Http("other"), Http("healthz")), ("other", hanging), ("healthz", Probe(_ => Bad)));

        // The run does not wait for the cancelled sample to end; it has cancelled it.
        report.FailedCheck.Should().Be("healthz");
        sampling.IsCancellationRequested.Should().BeTrue();
        report.Checks[0].Should().BeEquivalentTo(new { Samples = 0, Verdict = CheckVerdict.NotRun, Reason = "not run: healthz failed" });
    }

    [Fact]
    public async Task AHelmTest_IsSampledOnceAtTheStart_WhileTheOthersBake()
    {
        var helmTest = Probe(_ => new CheckSample(SampleKind.Passed, null, "1 test passed"));
        var healthz = Probe(_ => Ok);

        var report = await Run(Spec(new HelmTestCheck { Name = "helm-test" }, Http("healthz")), ("helm-test", helmTest), ("healthz", healthz));

        report.Verdict.Should().Be(VerificationVerdict.Passed);
        helmTest.Times.Should().Equal(TimeSpan.Zero);
        healthz.Times.Should().HaveCount(13);
        report.Checks[0].Should().BeEquivalentTo(new { Kind = "helmTest", Samples = 1, Verdict = CheckVerdict.Passed });
    }

    [Fact]
    public async Task AFailedHelmTest_FailsWhateverItsFailureLimit()
    {
        var report = await Run(
            Spec(new HelmTestCheck { Name = "helm-test", FailureLimit = 2 }),
            ("helm-test", Probe(_ => new CheckSample(SampleKind.Failed, null, "test smoke failed"))));

        report.Reason.Should().Be("helm-test: test smoke failed");
    }

    [Fact]
    public async Task AnInconclusiveCheck_FailsTheVerification_UnderInconclusiveFail()
    {
        var report = await Run(Spec(Http("error-rate")), ("error-rate", Probe(_ => Blind)));

        report.Verdict.Should().Be(VerificationVerdict.Failed);
        report.FailedCheck.Should().Be("error-rate");
        report.Reason.Should().Be("error-rate: inconclusive: the query returned no series (inconclusive: fail counts that as a failure)");
        report.Checks[0].Verdict.Should().Be(CheckVerdict.Inconclusive);
        (report.Ended - report.Started).Should().Be(Seconds(60), "an inconclusive sample does not end the bake");
        _marks.Should().EndWith((Seconds(60), "check error-rate inconclusive"));
    }

    [Fact]
    public async Task AnInconclusiveCheck_CountsAsPassed_UnderInconclusivePass()
    {
        var report = await Run(Spec(Http("error-rate")) with { Inconclusive = InconclusivePolicy.Pass }, ("error-rate", Probe(_ => Blind)));

        report.Verdict.Should().Be(VerificationVerdict.Passed);
        report.Checks[0].Verdict.Should().Be(CheckVerdict.Inconclusive);
    }

    [Theory]
    [InlineData("IIIIIIIIIIIIP", CheckVerdict.Passed)]
    [InlineData("PPPPPPPPPPPPI", CheckVerdict.Inconclusive)]
    [InlineData("PPPPPPPPPPPIE", CheckVerdict.Inconclusive)]
    [InlineData("PPPPPPPPPPPPE", CheckVerdict.Passed)]
    [InlineData("EPEPEPEPEPEPE", CheckVerdict.Passed)]
    [InlineData("EIEIEIEIEIEIE", CheckVerdict.Inconclusive)]
    public async Task TheLastSampleThatIsNotAnError_DecidesBetweenPassedAndInconclusive(string samples, CheckVerdict expected)
    {
        var script = samples.Select(c => c switch { 'P' => Ok, 'I' => Blind, _ => Timeout }).ToArray();

        var report = await Run(Spec(Http("healthz")) with { Inconclusive = InconclusivePolicy.Pass }, ("healthz", Probe(i => script[i])));

        report.Checks[0].Verdict.Should().Be(expected);
    }

    [Fact]
    public async Task ACheckWhoseEverySampleWasAnError_IsInconclusive()
    {
        var report = await Run(Spec(Http("healthz") with { ConsecutiveErrorLimit = 100 }), ("healthz", Probe(_ => Timeout)));

        report.Checks[0].Reason.Should().Be("every sample was an error, the last: GET /healthz did not answer within 2s");
        report.Verdict.Should().Be(VerificationVerdict.Failed);
    }

    [Fact]
    public async Task AProbeThatThrows_GivesAnErrorSample_WithTheExceptionsMessage()
    {
        var probe = Probe(i => i == 0 ? throw new InvalidOperationException("the API server\nwent away") : Ok);

        var report = await Run(Spec(Http("healthz")), ("healthz", probe));

        report.Verdict.Should().Be(VerificationVerdict.Passed);
        report.Checks[0].Errors.Should().Be(1);
    }

    [Fact]
    public async Task ConsecutiveThrowingSamples_FailWithTheExceptionsMessageOnOneLine()
    {
        var report = await Run(Spec(Http("healthz") with { ConsecutiveErrorLimit = 0 }), ("healthz", Probe(_ => throw new InvalidOperationException("the API server\nwent away"))));

        report.Reason.Should().Be("healthz: 1 error in a row (consecutiveErrorLimit 0), the last: the API server went away");
    }

    [Fact]
    public async Task Cancellation_EndsTheRunAsCancelled_WithoutThrowing_AndReportsWhatRan()
    {
        using var job = new CancellationTokenSource();
        var probe = Probe(i =>
        {
            if (i == 2)
            {
                job.Cancel();
            }

            return Ok;
        });

        var report = await Run(Spec(Http("healthz"), Http("later") with { Interval = Seconds(30) }), job.Token, ("healthz", probe), ("later", Probe(_ => Ok)));

        report.Verdict.Should().Be(VerificationVerdict.Cancelled);
        report.FailedCheck.Should().BeNull();
        report.Reason.Should().StartWith("cancelled 10s into the ");
        report.Ended.Should().Be(report.Started + Seconds(10));
        report.Checks[0].Should().BeEquivalentTo(new { Samples = 2, Verdict = CheckVerdict.Inconclusive, Reason = "stopped after 2 samples: the verification was cancelled" });
        report.Checks[1].Should().BeEquivalentTo(new { Samples = 1, Verdict = CheckVerdict.Inconclusive });
    }

    [Fact]
    public async Task ATokenCancelledBeforeTheStart_RunsNothing()
    {
        var probe = Probe(_ => Ok);

        var report = await Run(Spec(Http("healthz")), new CancellationToken(canceled: true), ("healthz", probe));

        report.Verdict.Should().Be(VerificationVerdict.Cancelled);
        probe.Times.Should().BeEmpty();
        report.Checks[0].Verdict.Should().Be(CheckVerdict.NotRun);
    }

    [Fact]
    public async Task Cancellation_StopsASampleUnderWay()
    {
        using var job = new CancellationTokenSource();
        var hanging = new ScriptedProbe(_clock, async (_, token) =>
        {
            await job.CancelAsync();
            await Task.Delay(System.Threading.Timeout.Infinite, token);
            return Ok;
        });

        var report = await Run(Spec(Http("healthz")), job.Token, ("healthz", hanging));

        report.Verdict.Should().Be(VerificationVerdict.Cancelled);
        report.Checks[0].Verdict.Should().Be(CheckVerdict.NotRun);
    }

    [Fact]
    public void ACheckWithoutAProbe_IsRefused()
    {
        var act = () => new VerificationRun(Spec(Http("healthz"), Http("other")), new Dictionary<string, ICheckProbe> { ["healthz"] = Probe(_ => Ok) }, _clock);

        act.Should().Throw<ArgumentException>().WithMessage("No probe for the check(s) other*");
    }

    [Fact]
    public async Task AReport_CarriesTheConditionAndTheLastValue()
    {
        var check = Http("latency") with { JsonPath = "$.latency", SuccessCondition = Condition.Parse("result < 0.5").Condition };
        var values = new[] { "0.1", null, "0.3" };

        var report = await Run(Spec(check, bake: 10), ("latency", Probe(i => new CheckSample(SampleKind.Passed, values[i], "ok"))));

        report.Checks[0].Should().BeEquivalentTo(new { LastValue = "0.3", Condition = "result < 0.5", Baseline = (string?)null });
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    private static HttpCheck Http(string name) => new() { Name = name, Service = new ServiceReference(null, "web", "http"), Path = "/healthz" };

    private static VerifySpec Spec(VerifyCheck first, params VerifyCheck[] more) => Spec([first, .. more], 60);

    private static VerifySpec Spec(VerifyCheck check, int bake) => Spec([check], bake);

    private static VerifySpec Spec(IReadOnlyList<VerifyCheck> checks, int bake) =>
        new() { Bake = Seconds(bake), Interval = Seconds(5), Checks = checks };

    private ScriptedProbe Probe(Func<int, CheckSample> script) => new(_clock, (i, _) => Task.FromResult(script(i)));

    private Task<VerificationReport> Run(VerifySpec spec, params (string Name, ICheckProbe Probe)[] probes) =>
        Run(spec, CancellationToken.None, probes);

    private Task<VerificationReport> Run(VerifySpec spec, CancellationToken token, params (string Name, ICheckProbe Probe)[] probes)
    {
        var start = _clock.GetUtcNow();
        var run = new VerificationRun(spec, probes.ToDictionary(p => p.Name, p => p.Probe), _clock, (at, mark) => _marks.Add((at - start, mark)));
        return run.RunAsync(token);
    }

    /// <summary>A probe whose nth sample (from 0) is the script's; records the clock's time (from its creation) at each.</summary>
    private sealed class ScriptedProbe(ManualClock clock, Func<int, CancellationToken, Task<CheckSample>> script) : ICheckProbe
    {
        private readonly DateTimeOffset _start = clock.GetUtcNow();
        private readonly List<TimeSpan> _times = [];

        public IReadOnlyList<TimeSpan> Times => _times;

        public Task<CheckSample> SampleAsync(CancellationToken cancellationToken)
        {
            _times.Add(clock.GetUtcNow() - _start);
            return script(_times.Count - 1, cancellationToken);
        }
    }
}
