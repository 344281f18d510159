using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// This gateway's one <see cref="IClientObserver"/>: grains push events here with the connection ids they target,
/// and it forwards them to those SignalR connections. The runtime runs its calls one at a time, in order, and the
/// sends start in that order, so each connection sees a conversation's messages in seq order.
/// </summary>
public sealed class GatewayObserver(IHubContext<ChatHub> hub, ILogger<GatewayObserver> logger) : IClientObserver
{
    public void OnMessage(string[] connectionIds, Message message) => Send(connectionIds, ClientEventNames.Message, message);
    public void OnUnread(string[] connectionIds, UnreadEvent unread) => Send(connectionIds, ClientEventNames.Unread, unread);
    public void OnPresence(string[] connectionIds, PresenceView presence) => Send(connectionIds, ClientEventNames.Presence, presence);
    public void OnTyping(string[] connectionIds, TypingEvent typing) => Send(connectionIds, ClientEventNames.Typing, typing);
    public void OnRead(string[] connectionIds, ReadEvent read) => Send(connectionIds, ClientEventNames.Read, read);
    public void OnFocus(string[] connectionIds, FocusEvent focus) => Send(connectionIds, ClientEventNames.Focus, focus);
    public void OnConversation(string[] connectionIds, ConversationView conversation) => Send(connectionIds, ClientEventNames.Conversation, conversation);
    public void OnRecalled(string[] connectionIds, RecalledEvent recalled) => Send(connectionIds, ClientEventNames.Recalled, recalled);

    private void Send(string[] connectionIds, string eventName, object payload)
    {
        if (connectionIds is null || connectionIds.Length == 0) return;
        // Not awaited: a grain's push must never wait on a slow socket. A failed send only means the client
        // missed a push, which Sync recovers; log it and move on.
        var task = connectionIds.Length == 1
            ? hub.Clients.Client(connectionIds[0]).SendAsync(eventName, payload)
            : hub.Clients.Clients(connectionIds).SendAsync(eventName, payload);
        if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task, eventName);
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
