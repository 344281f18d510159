using Im.Orleans.Catalog;
using Im.Orleans.Observers;
using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>Routing of a single silo (the embedded default): every grain and observer lives in the local catalog.</summary>
internal sealed class LocalMessageRouter(GrainCatalog catalog) : IMessageRouter
{
    public void Route(Message message) => catalog.Deliver(message);

    public bool IsReachable(GrainId target) => target.Type != ObserverGrainId.GrainType || catalog.TryGetActivation(target, out _);
}
