using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Per-user Send limit across all of that user's connections on this gateway. Buckets idle long enough to be
/// full again are dropped, so memory follows active senders.
/// </summary>
public sealed class SendRateLimiter(IOptionsMonitor<SendRateLimitOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _nextSweep;

    public bool TryAcquire(string userId)
    {
        var o = options.CurrentValue;
        var now = time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(userId, _ => new TokenBucket(o.Burst, now));
        var allowed = bucket.TryTake(o.PerSecond, o.Burst, now, time.TimestampFrequency);
        Sweep(now, o);
        return allowed;
    }

    private void Sweep(long now, SendRateLimitOptions o)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + time.TimestampFrequency * 60, next) != next) return;
        var refillTicks = (long)(Math.Max(1, o.Burst / Math.Max(o.PerSecond, 0.001)) * time.TimestampFrequency);
        foreach (var (userId, bucket) in _buckets)
        {
            if (now - bucket.LastUsedTicks > refillTicks) _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(userId, bucket));
        }
    }
}
