namespace Im.Orleans.TestKit;

/// <summary>A TimeProvider whose clock moves only when told; due timers fire inside <see cref="Advance"/>, in due order.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_timers) return _now;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>How many timers are armed (useful to see that a grain's timers stopped).</summary>
    public int ActiveTimerCount
    {
        get { lock (_timers) return _timers.Count(t => t.DueAt is not null); }
    }

    /// <summary>When the earliest armed timer falls due, or null when none is armed.</summary>
    public DateTimeOffset? NextDue
    {
        get { lock (_timers) return _timers.Count == 0 ? null : _timers.Min(t => t.DueAt); }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing each timer that falls due on the way (periodic ones as often as they are due).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_timers) target = _now + delta;
        while (true)
        {
            ManualTimer? next;
            lock (_timers)
            {
                next = _timers.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                if (next.DueAt > _now) _now = next.DueAt!.Value;
                next.Rearm();
            }
            next.Fire();
        }
    }

    public void SetUtcNow(DateTimeOffset value)
    {
        var now = GetUtcNow();
        if (value < now) throw new ArgumentOutOfRangeException(nameof(value), "Time cannot go backwards.");
        Advance(value - now);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._timers)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                if (DueAt is null) owner._timers.Remove(this);
                else if (!owner._timers.Contains(this)) owner._timers.Add(this);
            }
            return true;
        }

        /// <summary>Called under the owner's lock just before firing: schedules the next period or disarms.</summary>
        public void Rearm()
        {
            if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
            {
                DueAt = null;
                owner._timers.Remove(this);
            }
            else DueAt = DueAt!.Value + _period;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._timers)
            {
                DueAt = null;
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
