using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One conversation (key: conversation id; direct ids derive from both user ids): members and roles, the next
/// gap-free seq, durable append before the ack, and fan-out to the members' user grains.
/// </summary>
[Alias("im.IConversationGrain")]
public partial interface IConversationGrain : IGrainWithStringKey
{
    [Alias("OpenDirect")] Task<ConversationView> OpenDirect(string userId, string peerUserId);
    [Alias("CreateGroup")] Task<ConversationView> CreateGroup(string ownerId, string title, IReadOnlyList<string> memberIds);
    [Alias("AddMembers")] Task<ConversationView> AddMembers(string actorId, IReadOnlyList<string> userIds);
    [Alias("RemoveMember")] Task<ConversationView> RemoveMember(string actorId, string userId);
    [Alias("Leave")] Task<ConversationView> Leave(string userId);
    [Alias("SetRole")] Task<ConversationView> SetRole(string actorId, string userId, string role);
    [Alias("SetMuted")] Task<ConversationView> SetMuted(string actorId, string userId, bool muted);
    /// <summary>Opens (creating on first use) the service conversation of a visitor with a desk; the desk calls it.</summary>
    [Alias("OpenService")] Task<ConversationView> OpenService(string visitorId, string deskId, string title);
    /// <summary>The desk assigned an agent: they join as a member with role agent (idempotent).</summary>
    [Alias("JoinAgent")] Task JoinAgent(string agentId);
    /// <summary>The agent finished the chat: they leave (idempotent).</summary>
    [Alias("LeaveAgent")] Task LeaveAgent(string agentId);
    /// <summary>
    /// Appends a message and returns once it is durable. Interleaves with other requests so concurrent sends are
    /// coalesced into one append; a non-interleaving turn would hold the activation until its own write finished.
    /// </summary>
    [AlwaysInterleave] [Alias("Send")] Task<SendResult> Send(string senderId, SendCommand command);
    [ReadOnly] [Alias("History")] Task<IReadOnlyList<Message>> History(string userId, long beforeSeq, int limit);
    /// <summary>Interleaves, like GetView and CountFromOthersBetween: user grains read here while this grain may be waiting on them.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("Since")] Task<MessagePage> Since(string userId, long afterSeq, int limit);
    [ReadOnly][AlwaysInterleave] [Alias("GetView")] Task<ConversationView> GetView(string userId);
    [ReadOnly] [Alias("CountFromOthers")] Task<long> CountFromOthers(string userId, long afterSeq);
    /// <summary>Messages from others with afterSeq &lt; seq &lt;= upToSeq: what a user grain recounts without racing its own deliveries.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("CountFromOthersBetween")] Task<long> CountFromOthersBetween(string userId, long afterSeq, long upToSeq);
    [Alias("Recall")] Task Recall(string userId, long seq);
    [Alias("Typing")] Task Typing(string userId);

    /// <summary>What an operator sees of this grain in the dashboard: members, the end of the log, the send queue.</summary>
    [ReadOnly][AlwaysInterleave][Alias("GetState")] Task<ConversationStateView> GetState();
}

/// <summary>Derives conversation ids so both sides of a direct chat meet in one grain.</summary>
public static class ConversationIds
{
    public static string Direct(string userA, string userB) =>
        string.CompareOrdinal(userA, userB) <= 0 ? $"d:{userA}:{userB}" : $"d:{userB}:{userA}";

    public static string NewGroup() => $"g:{Guid.NewGuid():N}";

    /// <summary>One service conversation per visitor and desk: opening again finds the same one. Neither id holds a colon.</summary>
    public static string Service(string deskId, string visitorId) => $"s:{deskId}:{visitorId}";

    /// <summary>The desk and visitor of a service conversation id; false for any other id.</summary>
    public static bool TryParseService(string conversationId, out string deskId, out string visitorId)
    {
        deskId = visitorId = "";
        var parts = conversationId.Split(':');
        if (parts is not ["s", { Length: > 0 } desk, { Length: > 0 } visitor]) return false;
        (deskId, visitorId) = (desk, visitor);
        return true;
    }
}
