namespace Im.Orleans.Gateway.Hubs;

/// <summary>The live hub connections of this gateway, by user, for the periodic refresh of user grains.</summary>
public sealed class ConnectionRegistry
{
    // A plain lock: connects and disconnects are rare next to messages, and it keeps add/remove races simple.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _byUser = new(StringComparer.Ordinal);

    public void Add(string userId, string connectionId)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(userId, out var connections)) _byUser[userId] = connections = new HashSet<string>(StringComparer.Ordinal);
            connections.Add(connectionId);
        }
    }

    public void Remove(string userId, string connectionId)
    {
        lock (_lock)
        {
            if (_byUser.TryGetValue(userId, out var connections) && connections.Remove(connectionId) && connections.Count == 0) _byUser.Remove(userId);
        }
    }

    public int Count
    {
        get { lock (_lock) return _byUser.Values.Sum(c => c.Count); }
    }

    /// <summary>A snapshot of every user with live connections here.</summary>
    public IReadOnlyList<(string UserId, string[] ConnectionIds)> Snapshot()
    {
        lock (_lock) return _byUser.Select(p => (p.Key, p.Value.ToArray())).ToList();
    }
}
