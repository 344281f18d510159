using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// Live connections: registered and refreshed by gateways, expired by a sweep timer when a gateway stops refreshing
/// (it died). The timer exists only while connections do, keeps the activation alive meanwhile, and saves the
/// delivery bookkeeping that Deliver defers while the user is connected.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    private readonly Dictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GatewayPushQueue> _pushQueues = new(StringComparer.Ordinal);
    private IGrainTimer? _sweep;

    public async Task Connect(ClientConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (string.IsNullOrWhiteSpace(connection.ConnectionId)) throw ChatException.Invalid("A connection needs an id.");
        if (string.IsNullOrWhiteSpace(connection.GatewayId)) throw ChatException.Invalid("A connection needs its gateway's id.");
        if (!_connections.ContainsKey(connection.ConnectionId) && !await HasRoomForAnotherConnectionAsync())
        {
            throw new ChatException(ErrorCodes.RateLimited,
                $"this user already has {_options.MaxConnectionsPerUser} connections, the most allowed; close one before opening another");
        }
        _connections[connection.ConnectionId] = new LiveConnection(connection.ConnectionId, connection.GatewayId, connection.Gateway, connection.Device, _time.GetUtcNow());
        await OnConnectionsChangedAsync();
    }

    /// <summary>
    /// Whether the user may open one more connection. This grain is the one place that sees the user's connections on
    /// every gateway, so the cap holds cluster-wide. Connections already past their expiry are dropped first rather
    /// than counted: the sweep may not have run yet. Refreshes relearning connections are never refused (they were
    /// admitted before this activation existed).
    /// </summary>
    private async Task<bool> HasRoomForAnotherConnectionAsync()
    {
        if (_connections.Count < _options.MaxConnectionsPerUser) return true;
        if (RemoveExpiredConnections() > 0) await OnConnectionsChangedAsync();
        return _connections.Count < _options.MaxConnectionsPerUser;
    }

    public async Task Disconnect(string connectionId)
    {
        if (_connections.Remove(connectionId)) await OnConnectionsChangedAsync();
    }

    public async Task RefreshConnections(string gatewayId, IClientObserver gateway, string[] connectionIds)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var now = _time.GetUtcNow();
        var added = false;
        foreach (var id in connectionIds ?? [])
        {
            if (_connections.TryGetValue(id, out var known))
            {
                known.RefreshedAt = now;
                known.GatewayId = gatewayId;
                known.Gateway = gateway;
            }
            else
            {
                // This activation is newer than the connection (it was collected or moved): learn it again.
                _connections[id] = new LiveConnection(id, gatewayId, gateway, "unknown", now);
                added = true;
            }
        }
        if (added) await OnConnectionsChangedAsync();
    }

    public async Task GatewayLost(string gatewayId)
    {
        var lost = _connections.Values.Where(c => c.GatewayId == gatewayId).Select(c => c.ConnectionId).ToList();
        foreach (var id in lost) _connections.Remove(id);
        if (lost.Count > 0) await OnConnectionsChangedAsync();
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (RemoveExpiredConnections() > 0) await OnConnectionsChangedAsync();
        if (_dirty) await SaveAsync();
    }

    /// <summary>Forgets the connections their gateway stopped refreshing; returns how many.</summary>
    private int RemoveExpiredConnections()
    {
        var cutoff = _time.GetUtcNow() - _options.ConnectionExpiry;
        var expired = _connections.Values.Where(c => c.RefreshedAt < cutoff).Select(c => c.ConnectionId).ToList();
        foreach (var id in expired) _connections.Remove(id);
        if (expired.Count > 0) _logger.LogDebug("User {User}: {Count} connections expired", UserId, expired.Count);
        return expired.Count;
    }

    private async Task OnConnectionsChangedAsync()
    {
        foreach (var gone in _pushQueues.Keys.Where(g => !_connections.Values.Any(c => c.GatewayId == g)).ToList())
        {
            _pushQueues[gone].Stop();
            _pushQueues.Remove(gone);
        }
        _gatewayIndex.Set(UserId, _connections.Values.Select(c => c.GatewayId));
        if (_connections.Count > 0)
        {
            _sweep ??= this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(_options.SweepInterval, _options.SweepInterval) { KeepAlive = true });
        }
        else
        {
            // Only a removal leaves no connection, so this is the moment the user was last seen.
            _sweep?.Dispose();
            _sweep = null;
            State.LastSeenAt = _time.GetUtcNow();
            await SaveAsync();
            TellAgentIfNoDevices();
        }
        PublishPresence();
    }

    /// <summary>Queues an event for every live connection (except one), one batch per gateway, in order; never waits on a gateway.</summary>
    private void Push(string eventName, object payload, string? except = null)
    {
        foreach (var group in _connections.Values.Where(c => c.ConnectionId != except).GroupBy(c => c.GatewayId))
        {
            var first = group.First();
            if (!_pushQueues.TryGetValue(group.Key, out var queue)) _pushQueues[group.Key] = queue = new GatewayPushQueue(first.Gateway, _logger, UserId);
            queue.Gateway = first.Gateway;
            queue.Enqueue(new ClientPush([.. group.Select(c => c.ConnectionId)], eventName, payload));
        }
    }
}
