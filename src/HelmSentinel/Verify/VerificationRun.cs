using System.Globalization;
using HelmSentinel.Text;

namespace HelmSentinel.Verify;

/// <summary>
/// The bake: every check of a <see cref="VerifySpec"/> sampled through its <see cref="ICheckProbe"/> until the bake
/// has passed, or until the first check that fails ends it at once. All waiting is on the given
/// <see cref="TimeProvider"/>, so a manual clock drives it in tests.
/// </summary>
/// <remarks>
/// <para>
/// Schedule: a <see cref="HelmTestCheck"/> is sampled once, at the start. Every other check is sampled at the start,
/// then at each multiple of its interval that falls inside the bake, and once more at the bake's end, so both ends of
/// the window are seen (bake 60s, interval 5s: 13 samples, the last at 60 s). Samples of different checks run
/// concurrently; a check never has two samples at once: one that overruns its interval is followed at the next
/// multiple (or right away when it ended on one), and skipped multiples are not made up. When several samples are
/// ready together they are judged in the document's order.
/// </para>
/// <para>
/// Per check: a failed sample counts a failure and the check fails when its failures exceed
/// <see cref="VerifyCheck.FailureLimit"/> (a <see cref="HelmTestCheck"/> fails on its one failed run whatever the
/// limit). Errors are tolerated until more than <see cref="VerifyCheck.ConsecutiveErrorLimit"/> come in a row; a
/// sample of any other kind ends the row. The first check that fails ends the bake at once: the samples still under
/// way are cancelled and not counted.
/// </para>
/// <para>
/// A check that ran its course is judged by its last sample that was not an error: passed or failed (within the
/// limit) makes it <see cref="CheckVerdict.Passed"/>; inconclusive makes it <see cref="CheckVerdict.Inconclusive"/>,
/// since the latest look could not vouch for the release (an earlier pass does not outweigh it). A check whose
/// every sample was an error is inconclusive too. Under <see cref="InconclusivePolicy.Fail"/> the first inconclusive
/// check (in the document's order) fails the verification at the end; under <see cref="InconclusivePolicy.Pass"/> it
/// counts as passed. A check stopped before its course was run (another failed, the run was cancelled) is
/// inconclusive, or <see cref="CheckVerdict.NotRun"/> when it took no sample.
/// </para>
/// <para>
/// Cancelling the token ends the run with <see cref="VerificationVerdict.Cancelled"/> and what ran so far; it never
/// throws <see cref="OperationCanceledException"/>. A probe that throws gives an error sample with the exception's message.
/// </para>
/// </remarks>
/// <param name="spec">The checks, bake, intervals and inconclusive policy.</param>
/// <param name="probes">One probe per check, by check name; a check without one is refused.</param>
/// <param name="time">The clock every wait is on.</param>
/// <param name="mark">Called with the time and a timeline entry: <c>verification started</c>, <c>check NAME failed</c>,
/// <c>check NAME inconclusive</c> (when that fails the verification).</param>
public sealed class VerificationRun(VerifySpec spec, IReadOnlyDictionary<string, ICheckProbe> probes, TimeProvider time, Action<DateTimeOffset, string>? mark = null)
{
    private const int MessageLength = 300;

    private readonly VerifySpec _spec = spec ?? throw new ArgumentNullException(nameof(spec));
    private readonly IReadOnlyList<ICheckProbe> _probes = ProbesOf(spec, probes);
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>Runs the bake. Never throws for a failed check, a throwing probe or a cancellation: every ending is a report.</summary>
    /// <param name="cancellationToken">Cancels the bake (the job was cancelled): the verdict is then <see cref="VerificationVerdict.Cancelled"/>.</param>
    public async Task<VerificationReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var tallies = _spec.Checks.Select((check, i) => new Tally(check, _probes[i], started, _spec)).ToList();
        mark?.Invoke(started, "verification started");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStop = stop.Token.Register(() => stopped.TrySetResult());
        Tally? failed = null;
        var timer = new Timer(_time, stop.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = _time.GetUtcNow();
                foreach (var tally in tallies.Where(t => t.InFlight is null && t.NextDue <= now))
                {
                    tally.Start(now, stop.Token);
                }

                var running = tallies.Where(t => t.InFlight is not null).ToList();
                var nextDue = tallies.Where(t => t.InFlight is null && t.NextDue is not null).Min(t => t.NextDue);
                if (running.Count == 0 && nextDue is null)
                {
                    break;
                }

                if (!running.Exists(t => t.InFlight!.IsCompleted))
                {
                    var waits = new List<Task>(running.Select(t => t.InFlight!)) { stopped.Task };
                    if (nextDue is { } due)
                    {
                        waits.Add(timer.At(due, now));
                    }

                    await Task.WhenAny(waits).ConfigureAwait(false);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                foreach (var tally in running.Where(t => t.InFlight!.IsCompleted))
                {
                    if (tally.Finish(_time.GetUtcNow()))
                    {
                        failed = tally;
                        break;
                    }
                }

                if (failed is not null)
                {
                    mark?.Invoke(_time.GetUtcNow(), $"check {failed.Check.Name} failed");
                    break;
                }
            }
        }
        finally
        {
            timer.Dispose();
            await stop.CancelAsync().ConfigureAwait(false);
        }

        return Report(started, tallies, failed, failed is null && cancellationToken.IsCancellationRequested);
    }

    private VerificationReport Report(DateTimeOffset started, List<Tally> tallies, Tally? failed, bool cancelled)
    {
        var ended = _time.GetUtcNow();
        var stoppedBecause = failed is not null ? failed.Check.Name + " failed" : cancelled ? "the verification was cancelled" : null;
        var checks = tallies.Select(t => t.Report(t == failed, stoppedBecause)).ToList();
        if (failed is not null)
        {
            return new VerificationReport(VerificationVerdict.Failed, checks, failed.Check.Name, failed.FailReason, started, ended);
        }

        if (cancelled)
        {
            var reason = $"cancelled {GoDuration.FormatCompact(ended - started)} into the {GoDuration.FormatCompact(_spec.Bake)} bake";
            return new VerificationReport(VerificationVerdict.Cancelled, checks, null, reason, started, ended);
        }

        if (_spec.Inconclusive == InconclusivePolicy.Fail && checks.FirstOrDefault(c => c.Verdict == CheckVerdict.Inconclusive) is { } blind)
        {
            mark?.Invoke(ended, $"check {blind.Name} inconclusive");
            return new VerificationReport(VerificationVerdict.Failed, checks, blind.Name,
                $"{blind.Name}: {blind.Reason} (inconclusive: fail counts that as a failure)", started, ended);
        }

        return new VerificationReport(VerificationVerdict.Passed, checks, null, null, started, ended);
    }

    private static List<ICheckProbe> ProbesOf(VerifySpec spec, IReadOnlyDictionary<string, ICheckProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(probes);
        var missing = spec.Checks.Where(c => !probes.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"No probe for the check(s) {string.Join(", ", missing)}: give one probe per check, by its name.", nameof(probes));
        }

        return [.. spec.Checks.Select(c => probes[c.Name])];
    }

    private static string OneLine(string? text) => TextFormat.Cut(TextFormat.OneLine(text), MessageLength, "…");

    /// <summary>The one pending wait for the next due sample, kept while that time stays the next one.</summary>
    private sealed class Timer(TimeProvider time, CancellationToken stop) : IDisposable
    {
        private CancellationTokenSource? _cancel;
        private Task? _delay;
        private DateTimeOffset _due;

        public Task At(DateTimeOffset due, DateTimeOffset now)
        {
            if (_delay is not null && _due == due && !_delay.IsCompleted)
            {
                return _delay;
            }

            Dispose();
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _due = due;
            _delay = Task.Delay(due > now ? due - now : TimeSpan.Zero, time, _cancel.Token);
            return _delay;
        }

        public void Dispose()
        {
            _cancel?.Cancel();
            _cancel?.Dispose();
            _cancel = null;
            _delay = null;
        }
    }

    /// <summary>One check's schedule and counts; only the run's loop touches it.</summary>
    private sealed class Tally(VerifyCheck check, ICheckProbe probe, DateTimeOffset started, VerifySpec spec)
    {
        private readonly DateTimeOffset _end = started + spec.Bake;
        private readonly TimeSpan _interval = spec.IntervalOf(check) > TimeSpan.Zero ? spec.IntervalOf(check) : spec.Bake;
        private long _index;
        private DateTimeOffset? _lastStart;
        private int _consecutiveErrors;
        private SampleKind? _lastJudged;
        private string? _lastMessage;
        private string? _lastJudgedMessage;
        private string? _lastValue;

        public VerifyCheck Check { get; } = check;

        public DateTimeOffset? NextDue { get; private set; } = started;

        public Task<CheckSample?>? InFlight { get; private set; }

        public int Samples { get; private set; }

        public int Failures { get; private set; }

        public int Errors { get; private set; }

        public string? FailReason { get; private set; }

        public void Start(DateTimeOffset now, CancellationToken cancellationToken)
        {
            _lastStart = now;
            InFlight = SampleAsync(probe, cancellationToken);
        }

        /// <summary>Counts the finished sample and plans the next; true when the check has now failed.</summary>
        public bool Finish(DateTimeOffset now)
        {
            var sample = InFlight!.Result;
            InFlight = null;
            if (sample is null)
            {
                NextDue = null; // cancelled under way: the run is ending
                return false;
            }

            Count(sample);
            NextDue = FailReason is null ? Next(now) : null;
            return FailReason is not null;
        }

        public CheckReport Report(bool failed, string? stoppedBecause)
        {
            var condition = Check switch
            {
                PrometheusCheck p => p.SuccessCondition.Text,
                HttpCheck h => h.SuccessCondition?.Text,
                _ => null,
            };
            var baseline = (probe as PrometheusProbe)?.Baseline;
            var (verdict, reason) = failed ? (CheckVerdict.Failed, FailReason)
                : Samples == 0 ? (CheckVerdict.NotRun, "not run: " + (stoppedBecause ?? "no sample was due"))
                : NextDue is not null || InFlight is not null ? (CheckVerdict.Inconclusive, $"stopped after {Plural(Samples, "sample")}: {stoppedBecause}")
                : _lastJudged is SampleKind.Passed or SampleKind.Failed ? (CheckVerdict.Passed, null)
                : _lastJudged is SampleKind.Inconclusive ? (CheckVerdict.Inconclusive, "inconclusive: " + _lastJudgedMessage)
                : (CheckVerdict.Inconclusive, $"every sample was an error, the last: {_lastMessage}");
            return new CheckReport(Check.Name, Check.Kind, Samples, Failures, Errors, _lastValue, condition, baseline, verdict, reason);
        }

        private static async Task<CheckSample?> SampleAsync(ICheckProbe probe, CancellationToken cancellationToken)
        {
            try
            {
                var sample = await probe.SampleAsync(cancellationToken).ConfigureAwait(false);
                return sample is null
                    ? new CheckSample(SampleKind.Error, null, "the probe gave no sample")
                    : sample with { Message = OneLine(sample.Message) };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                return new CheckSample(SampleKind.Error, null, OneLine(e.Message));
            }
        }

        private static string Plural(int count, string noun) =>
            count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");

        private void Count(CheckSample sample)
        {
            Samples++;
            _lastValue = sample.Value ?? _lastValue;
            _lastMessage = sample.Message;
            if (sample.Kind == SampleKind.Error)
            {
                Errors++;
                _consecutiveErrors++;
                if (_consecutiveErrors > Check.ConsecutiveErrorLimit)
                {
                    FailReason = $"{Check.Name}: {Plural(_consecutiveErrors, "error")} in a row " +
                        $"(consecutiveErrorLimit {Check.ConsecutiveErrorLimit.ToString(CultureInfo.InvariantCulture)}), the last: {sample.Message}";
                }

                return;
            }

            _consecutiveErrors = 0;
            _lastJudged = sample.Kind;
            _lastJudgedMessage = sample.Message;
            if (sample.Kind != SampleKind.Failed)
            {
                return;
            }

            Failures++;
            if (Check is HelmTestCheck || Check.FailureLimit == 0)
            {
                FailReason = $"{Check.Name}: {sample.Message}";
            }
            else if (Failures > Check.FailureLimit)
            {
                FailReason = $"{Check.Name}: {sample.Message}, {Plural(Failures, "failure")} (failureLimit {Check.FailureLimit.ToString(CultureInfo.InvariantCulture)})";
            }
        }

        /// <summary>The next multiple of the interval at or after <paramref name="now"/>, within the bake; then the bake's end, once.</summary>
        private DateTimeOffset? Next(DateTimeOffset now)
        {
            if (Check is HelmTestCheck || _lastStart >= _end)
            {
                return null;
            }

            var behind = (now - started).Ticks;
            _index = Math.Max(_index + 1, (behind + _interval.Ticks - 1) / _interval.Ticks);
            var due = started + TimeSpan.FromTicks(_interval.Ticks * _index);
            return due < _end ? due : _end;
        }
    }
}
