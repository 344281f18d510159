namespace Im.Orleans.Grains.Gateways;

/// <summary>
/// Which user grains on this silo hold connections of which gateway node, so a gateway's death reaches exactly
/// those users at once instead of waiting for their connections to expire.
/// </summary>
internal sealed class GatewayConnectionIndex
{
    private readonly Dictionary<string, HashSet<string>> _usersByGateway = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _gatewaysByUser = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Set(string userId, IEnumerable<string> gatewayIds)
    {
        var gateways = gatewayIds.Distinct(StringComparer.Ordinal).ToArray();
        lock (_lock)
        {
            RemoveLocked(userId);
            if (gateways.Length == 0) return;
            _gatewaysByUser[userId] = gateways;
            foreach (var gateway in gateways)
            {
                if (!_usersByGateway.TryGetValue(gateway, out var users)) _usersByGateway[gateway] = users = new HashSet<string>(StringComparer.Ordinal);
                users.Add(userId);
            }
        }
    }

    public void Remove(string userId)
    {
        lock (_lock) RemoveLocked(userId);
    }

    public IReadOnlyList<string> UsersOn(string gatewayId)
    {
        lock (_lock) return _usersByGateway.TryGetValue(gatewayId, out var users) ? [.. users] : [];
    }

    private void RemoveLocked(string userId)
    {
        if (!_gatewaysByUser.Remove(userId, out var previous)) return;
        foreach (var gateway in previous)
        {
            if (_usersByGateway.TryGetValue(gateway, out var users) && users.Remove(userId) && users.Count == 0) _usersByGateway.Remove(gateway);
        }
    }
}
