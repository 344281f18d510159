using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One user (key: user id): profile, live connections, presence, read cursors and unread counts, the
/// conversation list, contacts and blocks, and the offline queue.
/// </summary>
[Alias("im.IUserGrain")]
public partial interface IUserGrain : IGrainWithStringKey
{
    // Called by gateways on behalf of the user's own connections.
    /// <summary>Interleaves with everything: conversation grains ask for names while this grain may be calling them.</summary>
    [AlwaysInterleave] [Alias("GetProfile")] Task<UserProfile> GetProfile();
    [Alias("SetProfile")] Task<UserProfile> SetProfile(string displayName, string? avatarUrl, string role);
    [Alias("Connect")] Task Connect(ClientConnection connection);
    [Alias("Disconnect")] Task Disconnect(string connectionId);
    /// <summary>A gateway's heartbeat for its connections of this user; connections not refreshed expire.</summary>
    [Alias("RefreshConnections")] Task RefreshConnections(string gatewayId, IClientObserver gateway, string[] connectionIds);
    /// <summary>The gateway stopped heartbeating (its process died): its connections are gone.</summary>
    [Alias("GatewayLost")] Task GatewayLost(string gatewayId);
    [Alias("SetPresence")] Task SetPresence(string status);
    [ReadOnly] [Alias("GetPresence")] Task<PresenceView> GetPresence();
    [ReadOnly] [Alias("ListConversations")] Task<IReadOnlyList<ConversationView>> ListConversations();
    [Alias("MarkRead")] Task<MarkReadResult> MarkRead(string conversationId, long seq);
    [Alias("Focus")] Task Focus(string conversationId, string originConnectionId);
    [Alias("Block")] Task Block(string userId);
    [Alias("Unblock")] Task Unblock(string userId);
    [Alias("AddContact")] Task AddContact(string userId);
    [Alias("RemoveContact")] Task RemoveContact(string userId);
    [ReadOnly] [Alias("Contacts")] Task<IReadOnlyList<string>> Contacts();
    [Alias("TakeOffline")] Task<OfflineBatch> TakeOffline(int max);
    [Alias("AckOffline")] Task AckOffline(long upToId);

    // Called by conversation grains and other user grains.
    [ReadOnly] [Alias("Accepts")] Task<bool> Accepts(string senderId);
    /// <summary>
    /// Stored messages of one conversation, ascending, for unread counts, the offline queue and the pushes the
    /// conversation did not make itself: <paramref name="pushedTo"/> names the user's connections it already pushed
    /// these messages to, and the answer is where the user's connections are now, for its next pushes. The
    /// conversation keeps one call in flight per member, but a call may time out or be lost with a silo, so the grain
    /// still orders what arrives and fills gaps from the log.
    /// </summary>
    [ResponseTimeout("00:00:10"), Alias("Deliver")] Task<GatewayRoute[]> Deliver(Message[] messages, string[] pushedTo);
    [OneWay] [Alias("ConversationChanged")] Task ConversationChanged(ConversationView view, bool removed);
    [OneWay] [Alias("PeerPresenceChanged")] Task PeerPresenceChanged(PresenceView presence);
    [OneWay] [Alias("PushTyping")] Task PushTyping(TypingEvent typing);
    [OneWay] [Alias("PushRead")] Task PushRead(ReadEvent read);
    [OneWay] [Alias("PushRecalled")] Task PushRecalled(RecalledEvent recalled);
    /// <summary>A desk tells a waiting visitor where their service conversation stands.</summary>
    [OneWay] [Alias("PushQueue")] Task PushQueue(QueueStatus status);
    /// <summary>A desk tells an agent it was given a service conversation.</summary>
    [OneWay] [Alias("PushAssigned")] Task PushAssigned(AssignedEvent assigned);
    /// <summary>The profile, or null for an id no sign-in or host system ever gave one (no such user). Interleaves like GetProfile.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("FindProfile")] Task<UserProfile?> FindProfile();

    /// <summary>What an operator sees of this grain in the dashboard: a readable copy of its state, no secrets.</summary>
    [ReadOnly][AlwaysInterleave][Alias("GetState")] Task<UserStateView> GetState();

    /// <summary>
    /// The user's agent grain registers itself: from now on, when the user's last device disconnects, this grain tells
    /// it one-way (the agent goes offline). Idempotent.
    /// </summary>
    [Alias("TrackAgent")] Task TrackAgent();
}
