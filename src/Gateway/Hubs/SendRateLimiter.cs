using System.Collections.Concurrent;
using Im.Orleans.Grains;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The per-user Send limit, kept by the user's cluster-wide rate-limit grain ("send/{userId}"), so spreading
/// connections over gateways or reconnecting buys no more messages. To spare a grain call per message, a gateway
/// takes a quarter second's worth of tokens at a time and spends them itself within a short lease; what is left
/// when the lease ends lapses, which errs towards the limit.
/// </summary>
public sealed class SendRateLimiter(IGrainFactory grains, IOptionsMonitor<SendRateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);
    private static readonly RateGrant One = new(1, TimeSpan.Zero);

    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>One message's allowance for <paramref name="userId"/>, or a refusal saying how long to wait.</summary>
    public async ValueTask<RateGrant> AcquireAsync(string userId)
    {
        var now = time.GetTimestamp();
        if (_leases.TryGetValue(userId, out var lease) && lease.TryTake(now)) return One;

        var o = options.CurrentValue;
        var limit = new RateLimit(o.PerSecond, o.Burst);
        var wanted = (int)Math.Clamp(Math.Ceiling(o.PerSecond / 4), 1, o.Burst);
        var grant = await grains.GetGrain<IRateLimitGrain>(RateLimitKeys.For("send", userId)).Take(limit, wanted);
        if (grant.Granted > 1)
        {
            var expiresAt = now + (long)(LeaseLifetime.TotalSeconds * time.TimestampFrequency);
            // Concurrent sends of one user may each have fetched tokens: keep them all rather than drop a lease.
            _leases.AddOrUpdate(userId, _ => new Lease(grant.Granted - 1, expiresAt), (_, held) => held.Add(grant.Granted - 1, expiresAt, now));
        }
        Sweep(now);
        return grant.IsRefused ? grant : One;
    }

    // Leases last a second: once a minute drop the lapsed ones, so memory follows active senders.
    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + time.TimestampFrequency * 60, next) != next) return;
        foreach (var (userId, lease) in _leases)
        {
            if (lease.HasLapsed(now)) _leases.TryRemove(new KeyValuePair<string, Lease>(userId, lease));
        }
    }

    /// <summary>Tokens taken from the user's bucket for this gateway to spend before the lease expires.</summary>
    private sealed class Lease(int tokens, long expiresAt)
    {
        private readonly Lock _lock = new();
        private int _tokens = tokens;
        private long _expiresAt = expiresAt;

        public bool HasLapsed(long now)
        {
            lock (_lock) return now >= _expiresAt || _tokens == 0;
        }

        public bool TryTake(long now)
        {
            lock (_lock)
            {
                if (now >= _expiresAt || _tokens == 0) return false;
                _tokens--;
                return true;
            }
        }

        /// <summary>More tokens, all valid until the later expiry; tokens of a lapsed lease are gone.</summary>
        public Lease Add(int more, long expiresAt, long now)
        {
            lock (_lock)
            {
                _tokens = (now >= _expiresAt ? 0 : _tokens) + more;
                _expiresAt = expiresAt;
                return this;
            }
        }
    }
}
