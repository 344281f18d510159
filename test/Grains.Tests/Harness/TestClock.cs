using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// Manual time for a silo: a <see cref="FakeTimeProvider"/> that also tracks the timers made from it, which grain
/// made each, and which fired grain timers have not finished their tick yet.
/// </summary>
/// <remarks>
/// A grain timer's tick runs on its grain after the fake clock fired it, and Orleans re-arms the timer (Change)
/// or the grain disposes it only when the tick is done; that is how <see cref="AdvanceAsync"/> knows the ticks it
/// caused have run, so a step's ticks see that step's time and not a later one.
/// </remarks>
internal sealed class TestClock : TimeProvider
{
    /// <summary>The longest single step: a tick reads the clock when it runs, so big steps would make ticks see late times.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _fake;
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _live = [];

    private volatile IGrainContextAccessor? _grains;

    public TestClock(DateTimeOffset start) => _fake = new FakeTimeProvider(start);

    /// <summary>
    /// Lets the clock tell which grain makes a timer. Attached by a silo startup task: resolving the accessor while
    /// the container builds the clock itself deadlocks the silo's start.
    /// </summary>
    public void Attach(IGrainContextAccessor grains) => _grains = grains;

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    /// <summary>The timers <paramref name="grain"/> has made and not disposed.</summary>
    public int ActiveTimerCount(GrainId grain)
    {
        lock (_lock) return _live.Count(t => t.Owner == grain);
    }

    /// <summary>Moves time forward in steps of at most <see cref="MaxStep"/>, letting the grain timer ticks of each step finish.</summary>
    public async Task AdvanceAsync(TimeSpan total)
    {
        for (var left = total; left > TimeSpan.Zero; left -= MaxStep)
        {
            _fake.Advance(left < MaxStep ? left : MaxStep);
            await TicksDoneAsync();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this, _grains?.GrainContext?.GrainId, callback, state, period);
        lock (_lock) _live.Add(timer);
        // The fake may fire a timer due now inside CreateTimer, so everything Fire needs is set before.
        timer.Inner = _fake.CreateTimer(static s => ((TrackedTimer)s!).Fire(), timer, dueTime, period);
        return timer;
    }

    private async Task TicksDoneAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Eventually.Deadline)
        {
            lock (_lock)
            {
                if (!_live.Any(t => t.Ticking)) return;
            }
            await Task.Delay(2);
        }
        throw new TimeoutException("A grain timer tick did not finish within the deadline.");
    }

    private void Forget(TrackedTimer timer)
    {
        lock (_lock) _live.Remove(timer);
    }

    /// <summary>A timer of the fake clock, with who made it and whether its one-shot tick is still running.</summary>
    private sealed class TrackedTimer(TestClock clock, GrainId? owner, TimerCallback callback, object? state, TimeSpan period) : ITimer
    {
        private TimeSpan _period = period;
        private volatile bool _ticking;

        public GrainId? Owner { get; } = owner;

        public ITimer? Inner { get; set; }

        private bool IsGrain => Owner is { } id && !id.Type.ToString()!.StartsWith("sys.", StringComparison.Ordinal);

        /// <summary>A grain's one-shot timer fired and was neither re-armed nor disposed: its tick is still running.</summary>
        public bool Ticking => _ticking;

        public void Fire()
        {
            // Only grain timers are re-armed after their tick; other one-shot timers (delays, and those of Orleans'
            // system targets, whose ids have a "sys." type) are done when fired.
            if (IsGrain && _period == Timeout.InfiniteTimeSpan) _ticking = true;
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            _ticking = false;
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            _ticking = false;
            clock.Forget(this);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
