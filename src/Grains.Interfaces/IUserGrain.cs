using Im.Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One user (key: user id): profile, live connections, presence, read cursors and unread counts, the
/// conversation list, contacts and blocks, and the offline queue.
/// </summary>
[GrainType("user")]
public interface IUserGrain : IGrainWithStringKey
{
    // Called by gateways on behalf of the user's own connections.
    /// <summary>Interleaves with everything: conversation grains ask for names while this grain may be calling them.</summary>
    [AlwaysInterleave] Task<UserProfile> GetProfile();
    Task<UserProfile> SetProfile(string displayName, string? avatarUrl, string role);
    Task Connect(ClientConnection connection);
    Task Disconnect(string connectionId);
    /// <summary>A gateway's heartbeat for its connections of this user; connections not refreshed expire.</summary>
    Task RefreshConnections(IClientObserver gateway, string[] connectionIds);
    /// <summary>The cluster declared the gateway node dead: its connections are gone.</summary>
    Task GatewayLost(string gatewayNodeId);
    Task SetPresence(string status);
    [ReadOnly] Task<PresenceView> GetPresence();
    [ReadOnly] Task<IReadOnlyList<ConversationView>> ListConversations();
    Task<MarkReadResult> MarkRead(string conversationId, long seq);
    Task Focus(string conversationId, string originConnectionId);
    Task Block(string userId);
    Task Unblock(string userId);
    Task AddContact(string userId);
    Task RemoveContact(string userId);
    [ReadOnly] Task<IReadOnlyList<string>> Contacts();
    Task<OfflineBatch> TakeOffline(int max);
    Task AckOffline(long upToId);

    // Called by conversation grains and other user grains.
    [ReadOnly] Task<bool> Accepts(string senderId);
    [OneWay] Task Deliver(Message message);
    [OneWay] Task ConversationChanged(ConversationView view, bool removed);
    [OneWay] Task PeerPresenceChanged(PresenceView presence);
    [OneWay] Task PushTyping(TypingEvent typing);
    [OneWay] Task PushRead(ReadEvent read);
    [OneWay] Task PushRecalled(RecalledEvent recalled);
    /// <summary>The profile, or null for an id no sign-in or host system ever gave one (no such user). Interleaves like GetProfile.</summary>
    /// <remarks>Last on purpose: method ids follow declaration order, so appending keeps older nodes' ids valid.</remarks>
    [ReadOnly][AlwaysInterleave] Task<UserProfile?> FindProfile();
}
