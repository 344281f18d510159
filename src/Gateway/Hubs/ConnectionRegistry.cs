using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The live hub connections of this gateway, by user, for the periodic refresh of user grains; and their admission:
/// the gateway's cap (Limits:MaxConnections) counts them on every transport.
/// </summary>
public sealed class ConnectionRegistry(ConnectionLimits limits, ConnectionRefusals refusals)
{
    // A plain lock: connects and disconnects are rare next to messages, and it keeps add/remove races simple.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _byUser = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>
    /// Adds a connection, or refuses it with the coded HubException its client reads as the close error when the
    /// gateway holds its cap: a connection that negotiated just before the cap filled, on any transport.
    /// </summary>
    public void Admit(string userId, string connectionId)
    {
        lock (_lock)
        {
            if (_count < (limits.MaxConnections ?? int.MaxValue))
            {
                if (!_byUser.TryGetValue(userId, out var connections)) _byUser[userId] = connections = new HashSet<string>(StringComparer.Ordinal);
                if (connections.Add(connectionId)) _count++;
                return;
            }
        }
        refusals.AtGatewayCap(ConnectionRefusals.Connect);
        throw RefusalLogFilter.Mark(HubErrors.Coded(ErrorCodes.Unavailable,
            $"this gateway holds its cap of {limits.MaxConnections} connections; retry after {RetryAfter.Milliseconds(limits.Options.RetryAfter)} ms"));
    }

    /// <summary>A user grain's refusal of the connection (e.g. rate_limited: the per-user cap), counted, as the coded close error.</summary>
    public HubException Refused(ChatException refusal)
    {
        refusals.ByGrain(refusal.Code);
        return RefusalLogFilter.Mark(HubErrors.Coded(refusal.Code, refusal.Message));
    }

    public void Remove(string userId, string connectionId)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(userId, out var connections) || !connections.Remove(connectionId)) return;
            _count--;
            if (connections.Count == 0) _byUser.Remove(userId);
        }
    }

    /// <summary>Live hub connections on this gateway.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A snapshot of every user with live connections here.</summary>
    public IReadOnlyList<(string UserId, string[] ConnectionIds)> Snapshot()
    {
        lock (_lock) return _byUser.Select(p => (p.Key, p.Value.ToArray())).ToList();
    }
}
