using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>Decides where a message goes: the local catalog, or another node of the cluster.</summary>
internal interface IMessageRouter
{
    void Route(Message message);

    /// <summary>False only when the target is an observer known to be gone; grains are always reachable (virtual).</summary>
    bool IsReachable(GrainId target);
}
