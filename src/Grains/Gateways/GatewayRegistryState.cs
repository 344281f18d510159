namespace Im.Orleans.Grains.Gateways;

/// <summary>The gateways the registry knows, persisted so a registry that moved to another silo still declares dead the ones that died with it.</summary>
internal sealed class GatewayRegistryState
{
    public List<string> Known { get; set; } = [];
}
