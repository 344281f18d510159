namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// One connection's allowance of hub calls: a token bucket that refills continuously at a rate up to its burst, each
/// call taking one token. A refused take says how long until the next token, which the client is told to wait.
/// </summary>
internal sealed class InvocationBucket(double burst, long nowTicks)
{
    private readonly Lock _lock = new();
    private double _tokens = burst;
    private long _lastTicks = nowTicks;

    public bool TryTake(double perSecond, double burst, long nowTicks, long ticksPerSecond, out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            if (nowTicks > _lastTicks)
            {
                _tokens = Math.Min(burst, _tokens + (nowTicks - _lastTicks) / (double)ticksPerSecond * perSecond);
                _lastTicks = nowTicks;
            }
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
            return false;
        }
    }
}
