using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Counts refused client connections: each one in <see cref="GatewayMetrics"/> (operation and code) and in sums that
/// <see cref="ConnectionRefusalLog"/> writes as one line per interval. A flood of connections must not become a flood
/// of log lines, so nothing here logs.
/// </summary>
public sealed class ConnectionRefusals(GatewayMetrics metrics)
{
    /// <summary>A negotiate answered 503.</summary>
    public const string Negotiate = "negotiate";

    /// <summary>A WebSocket upgrade closed (1013) or answered 503.</summary>
    public const string WebSocket = "websocket";

    /// <summary>A hub connection closed with a coded error by OnConnectedAsync.</summary>
    public const string Connect = "connect";

    private long _atGatewayCap;
    private long _overUserCap;
    private long _otherwise;
    private long _droppedByKestrel;

    /// <summary>Refused because this gateway holds its cap of hub connections.</summary>
    public void AtGatewayCap(string operation)
    {
        metrics.Refused(operation, ErrorCodes.Unavailable);
        Interlocked.Increment(ref _atGatewayCap);
    }

    /// <summary>Refused by the user grain: rate_limited is its per-user cap.</summary>
    public void ByGrain(string code)
    {
        metrics.Refused(Connect, code);
        Interlocked.Increment(ref (code == ErrorCodes.RateLimited ? ref _overUserCap : ref _otherwise));
    }

    /// <summary>Kestrel closed sockets at its connection limit, before any request (the backstop behind the caps).</summary>
    public void DroppedByKestrel(long count) => Interlocked.Add(ref _droppedByKestrel, count);

    /// <summary>The sums since the last call, which starts new ones.</summary>
    public Sums TakeSums() => new(
        Interlocked.Exchange(ref _atGatewayCap, 0),
        Interlocked.Exchange(ref _overUserCap, 0),
        Interlocked.Exchange(ref _otherwise, 0),
        Interlocked.Exchange(ref _droppedByKestrel, 0));

    /// <summary>Refusals over one interval, by reason.</summary>
    public readonly record struct Sums(long AtGatewayCap, long OverUserCap, long Otherwise, long DroppedByKestrel)
    {
        public long Total => AtGatewayCap + OverUserCap + Otherwise + DroppedByKestrel;
    }
}
