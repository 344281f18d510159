using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// This gateway's one <see cref="IClientObserver"/>: user grains push batches of events with the connection ids they
/// target, and it hands them to those SignalR connections in the order given. A user grain sends its next batch only
/// after this one is answered, so each connection sees a conversation's messages in seq order.
/// </summary>
public sealed class GatewayObserver(IHubContext<ChatHub> hub, ILogger<GatewayObserver> logger) : IClientObserver
{
    public Task Push(ClientPush[] pushes)
    {
        foreach (var push in pushes ?? []) Send(push);
        return Task.CompletedTask;
    }

    private void Send(ClientPush push)
    {
        if (push.ConnectionIds is not { Length: > 0 } ids) return;
        // Not awaited: a socket's sends are queued in call order, and a slow socket must not hold up the others. A failed
        // send only means the client missed a push, which Sync recovers; log it and move on.
        var task = ids.Length == 1
            ? hub.Clients.Client(ids[0]).SendAsync(push.Event, push.Payload)
            : hub.Clients.Clients(ids).SendAsync(push.Event, push.Payload);
        if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task, push.Event);
    }

    private async Task ObserveAsync(Task send, string eventName)
    {
        try
        {
            await send;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Push of {Event} failed", eventName);
        }
    }
}
