using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// This gateway's one <see cref="IClientObserver"/>: grains push events here with the connection ids they target,
/// and it forwards them to those SignalR connections. Orleans runs an observer's calls one at a time, in arrival
/// order, and the sends start in that order, so each connection sees a conversation's messages in seq order.
/// </summary>
public sealed class GatewayObserver(IHubContext<ChatHub> hub, ILogger<GatewayObserver> logger) : IClientObserver
{
    public Task OnMessage(string[] connectionIds, Message message) => Send(connectionIds, ClientEventNames.Message, message);
    public Task OnUnread(string[] connectionIds, UnreadEvent unread) => Send(connectionIds, ClientEventNames.Unread, unread);
    public Task OnPresence(string[] connectionIds, PresenceView presence) => Send(connectionIds, ClientEventNames.Presence, presence);
    public Task OnTyping(string[] connectionIds, TypingEvent typing) => Send(connectionIds, ClientEventNames.Typing, typing);
    public Task OnRead(string[] connectionIds, ReadEvent read) => Send(connectionIds, ClientEventNames.Read, read);
    public Task OnFocus(string[] connectionIds, FocusEvent focus) => Send(connectionIds, ClientEventNames.Focus, focus);
    public Task OnConversation(string[] connectionIds, ConversationView conversation) => Send(connectionIds, ClientEventNames.Conversation, conversation);
    public Task OnRecalled(string[] connectionIds, RecalledEvent recalled) => Send(connectionIds, ClientEventNames.Recalled, recalled);

    private Task Send(string[] connectionIds, string eventName, object payload)
    {
        if (connectionIds is null || connectionIds.Length == 0) return Task.CompletedTask;
        // Not awaited: the observer must never wait on a slow socket. A failed send only means the client missed a
        // push, which Sync recovers; log it and move on.
        var task = connectionIds.Length == 1
            ? hub.Clients.Client(connectionIds[0]).SendAsync(eventName, payload)
            : hub.Clients.Clients(connectionIds).SendAsync(eventName, payload);
        if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task, eventName);
        return Task.CompletedTask;
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
