using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>The grain reference to this gateway's observer, created once per process and handed to user grains with the gateway's id.</summary>
public sealed class GatewayObserverReference(IGrainFactory grains, GatewayObserver observer, GatewayIdentity identity)
{
    private readonly Lazy<IClientObserver> _reference = new(() => grains.CreateObjectReference<IClientObserver>(observer));

    public IClientObserver Reference => _reference.Value;

    public string GatewayId => identity.Id;
}
