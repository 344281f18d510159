namespace Im.Orleans.Grains.Users;

/// <summary>A live connection as the user grain tracks it (in memory: gateways re-announce them through refreshes).</summary>
internal sealed class LiveConnection(string connectionId, string gatewayId, IClientObserver gateway, string device, DateTimeOffset refreshedAt)
{
    public string ConnectionId { get; } = connectionId;
    public string GatewayId { get; set; } = gatewayId;
    public IClientObserver Gateway { get; set; } = gateway;
    public string Device { get; } = device;
    public DateTimeOffset RefreshedAt { get; set; } = refreshedAt;
}
