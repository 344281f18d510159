using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// This gateway's one <see cref="IClientObserver"/>: conversations and user grains push batches of events with the
/// connection ids they target, and it hands them to those SignalR connections in the order given, each event
/// serialized once. A sender sends its next batch only after this one is answered, so each connection sees a
/// conversation's messages in seq order.
/// </summary>
public sealed class GatewayObserver(ChatHubLifetimeManager connections) : IClientObserver
{
    public Task Push(ClientPush[] pushes)
    {
        foreach (var push in pushes ?? [])
        {
            if (push.ConnectionIds is { Length: > 0 } ids) connections.Send(ids, push.Event, push.Payload);
        }
        return Task.CompletedTask;
    }
}
