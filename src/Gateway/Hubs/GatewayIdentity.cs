namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// This gateway process's id in the gateway registry and in user grains' connection lists: the configured name (or
/// "gw") plus a random suffix, new at every start, so a restarted gateway is never mistaken for the one that died.
/// </summary>
public sealed class GatewayIdentity(string? name)
{
    public string Id { get; } = $"{(string.IsNullOrEmpty(name) ? "gw" : name)}-{Guid.NewGuid().ToString("N")[..10]}";
}
