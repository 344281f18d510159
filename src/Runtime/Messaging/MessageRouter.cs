using Im.Orleans.Catalog;
using Im.Orleans.Observers;
using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>Decides where a message goes. In a single silo that is always the local catalog; the cluster adds placement here.</summary>
internal sealed class MessageRouter(GrainCatalog catalog)
{
    public void Route(Message message) => catalog.Deliver(message);

    /// <summary>False only when the target is an observer that is known to be gone; grains are always reachable (virtual).</summary>
    public bool IsReachable(GrainId target) => target.Type != ObserverGrainId.GrainType || catalog.TryGetActivation(target, out _);
}
