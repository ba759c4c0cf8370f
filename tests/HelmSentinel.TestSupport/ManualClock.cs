namespace HelmSentinel.TestSupport;

/// <summary>
/// The tests' one fake clock: it moves only when told, and timers fire in due order as it moves. With
/// <see cref="AutoAdvance"/> the clock jumps to each timer's due time as soon as the timer is set, so code that waits
/// (a Polly back-off, a reconnect delay) runs at once while the time it waited is still measured.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualClock()
        : this(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Jump to a timer's due time as soon as it is set (off: only <see cref="Advance"/> moves the clock).</summary>
    public bool AutoAdvance { get; init; }

    /// <summary>Timers set and not yet fired.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Puts the clock at <paramref name="now"/> (forward or back) without firing anything.</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_gate)
        {
            _now = now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing each due timer at its own time.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        AdvanceTo(target);
    }

    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _now = target > _now ? target : _now;
                    return;
                }

                if (next.Due > _now)
                {
                    _now = next.Due;
                }

                _timers.Remove(next);
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DateTimeOffset due;
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                Due = due = owner._now + dueTime;
                owner._timers.Add(this);
            }

            if (owner.AutoAdvance)
            {
                // Not on the caller's stack: the code that set the timer finishes setting it up first.
                ThreadPool.QueueUserWorkItem(_ => owner.AdvanceTo(due));
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
