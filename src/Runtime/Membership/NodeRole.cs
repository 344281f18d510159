namespace Im.Orleans.Runtime;

/// <summary>What a cluster member does: a silo hosts grains, a gateway is a client that only calls them.</summary>
public enum NodeRole
{
    Silo = 0,
    Gateway = 1,
}
