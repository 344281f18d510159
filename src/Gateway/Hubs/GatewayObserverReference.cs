using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>The grain reference to this gateway's observer, created once per process and handed to user grains.</summary>
public sealed class GatewayObserverReference(IGrainFactory grains, GatewayObserver observer)
{
    private readonly Lazy<IClientObserver> _reference = new(() => grains.CreateObjectReference<IClientObserver>(observer));

    public IClientObserver Reference => _reference.Value;
}
