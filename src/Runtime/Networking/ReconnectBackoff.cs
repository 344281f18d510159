namespace Im.Orleans.Networking;

/// <summary>Counts consecutive failed dials per node so callers can space out retries to a dead endpoint.</summary>
internal sealed class ReconnectBackoff
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Failures, long LastFailure)> _failures = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;

    public ReconnectBackoff(TimeProvider time, TimeSpan min, TimeSpan max)
    {
        _time = time;
        _min = min;
        _max = max < min ? min : max;
    }

    public void Failed(string nodeId)
    {
        lock (_lock)
        {
            _failures.TryGetValue(nodeId, out var state);
            _failures[nodeId] = (state.Failures + 1, _time.GetTimestamp());
        }
    }

    /// <summary>Forgets the node's failures: after a success, or when it was declared dead.</summary>
    public void Reset(string nodeId)
    {
        lock (_lock) _failures.Remove(nodeId);
    }

    /// <summary>The wait before the next dial: zero without failures, then min, doubling per failure up to max.</summary>
    public TimeSpan Next(string nodeId)
    {
        lock (_lock) return _failures.TryGetValue(nodeId, out var state) ? Delay(state.Failures) : TimeSpan.Zero;
    }

    /// <summary>True while the last failure is more recent than the back-off it earned.</summary>
    public bool IsInBackoff(string nodeId)
    {
        lock (_lock)
            return _failures.TryGetValue(nodeId, out var state) && _time.GetElapsedTime(state.LastFailure) < Delay(state.Failures);
    }

    private TimeSpan Delay(int failures)
    {
        // Capping the exponent keeps the multiplication finite; max caps the result long before that.
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ticks = Math.Min(_min.Ticks * factor, _max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
