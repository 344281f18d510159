using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// The cluster's list of live gateways (one activation, key <see cref="Key"/>). Gateways are Orleans clients, which
/// Orleans' membership does not watch (it drops a dead client a minute or more later); they heartbeat here instead,
/// and every silo asks which ones went silent so their users' connections leave presence within seconds.
/// </summary>
[Alias("im.IGatewayRegistryGrain")]
public interface IGatewayRegistryGrain : IGrainWithStringKey
{
    /// <summary>The one registry's key.</summary>
    public const string Key = "cluster";

    /// <summary>
    /// A gateway's sign of life; the first one registers it. The reply says whether the gateway had been declared
    /// dead (it was only slow: silos dropped its connections, so it must refresh them at once) and how the cluster's
    /// silos stand, which a gateway (an Orleans client, outside membership) cannot see by itself.
    /// </summary>
    [Alias("Heartbeat")] Task<HeartbeatReply> Heartbeat(string gatewayId);

    /// <summary>A gateway stopping on purpose: its hub connections were closed, so it is gone without being declared dead.</summary>
    [Alias("Leave")] Task Leave(string gatewayId);

    /// <summary>The gateways declared dead (silent past the death timeout), newest last, so silos can drop their connections.</summary>
    [ReadOnly][Alias("DeadGateways")] Task<IReadOnlyList<string>> DeadGateways();

    /// <summary>The gateways heard from within the death timeout.</summary>
    [ReadOnly][Alias("LiveGateways")] Task<IReadOnlyList<string>> LiveGateways();
}

/// <summary>The registry's answer to a heartbeat: whether the gateway had been declared dead, and the silos' membership version and active count.</summary>
[GenerateSerializer, Immutable, Alias("im.HeartbeatReply")]
public sealed record HeartbeatReply(bool WasDeclaredDead, long MembershipVersion, int ActiveSilos);
