using Im.Orleans.Catalog;

namespace Im.Orleans.Timers;

/// <summary>The timers of one activation; all are disposed when it deactivates.</summary>
internal sealed class ActivationTimers(ActivationData activation)
{
    private readonly List<GrainTimer> _timers = [];

    public int Count
    {
        get { lock (_timers) return _timers.Count; }
    }

    public IGrainTimer Register<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        if (options.DueTime < TimeSpan.Zero && options.DueTime != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(options), "DueTime must be zero or positive.");
        if (options.Period <= TimeSpan.Zero && options.Period != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(options), "Period must be positive or Timeout.InfiniteTimeSpan.");
        var timer = new GrainTimer<TState>(activation, callback, state, options);
        lock (_timers) _timers.Add(timer);
        timer.Start(options.DueTime);
        return timer;
    }

    public void Remove(GrainTimer timer)
    {
        lock (_timers) _timers.Remove(timer);
    }

    public GrainTimer[] Snapshot()
    {
        lock (_timers) return [.. _timers];
    }

    public void DisposeAll()
    {
        foreach (var timer in Snapshot()) timer.Dispose();
    }
}
