namespace Im.Orleans.Gateway.Hubs;

/// <summary>A token bucket: refills continuously at a rate up to a capacity; each take costs one token.</summary>
internal sealed class TokenBucket(double capacity, long nowTicks)
{
    private readonly Lock _lock = new();
    private double _tokens = capacity;
    private long _lastTicks = nowTicks;

    public long LastUsedTicks { get { lock (_lock) return _lastTicks; } }

    public bool TryTake(double perSecond, double capacityNow, long nowTicks, long ticksPerSecond)
    {
        lock (_lock)
        {
            var elapsed = Math.Max(0, nowTicks - _lastTicks) / (double)ticksPerSecond;
            _tokens = Math.Min(capacityNow, _tokens + elapsed * perSecond);
            _lastTicks = nowTicks;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
