using Orleans.Runtime;

namespace Im.Orleans.Grains.Limits;

/// <summary>A cluster-wide token bucket; idle buckets are full again, so their activations go after two minutes (Orleans' collection quantum is one).</summary>
[GrainType("rate-limit")]
[CollectionAgeLimit(Minutes = 2)]
internal sealed class RateLimitGrain(TimeProvider time) : Grain, IRateLimitGrain
{
    private double _tokens = double.NaN;
    private long _lastTicks;

    public Task<RateGrant> Take(RateLimit limit, int wanted)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (limit.PerSecond <= 0 || limit.Burst < 1) throw ChatException.Invalid("A rate limit needs a positive rate and a burst of at least 1.");
        var now = time.GetTimestamp();
        _tokens = double.IsNaN(_tokens)
            ? limit.Burst
            : Math.Min(limit.Burst, _tokens + time.GetElapsedTime(_lastTicks, now).TotalSeconds * limit.PerSecond);
        _lastTicks = now;
        if (_tokens < 1) return Task.FromResult(new RateGrant(0, TimeSpan.FromSeconds((1 - _tokens) / limit.PerSecond)));
        var granted = (int)Math.Min(Math.Max(1, wanted), Math.Floor(_tokens));
        _tokens -= granted;
        return Task.FromResult(new RateGrant(granted, TimeSpan.Zero));
    }
}
