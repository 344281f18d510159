using Im.Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// One conversation (key: conversation id; direct ids derive from both user ids): members and roles, the next
/// gap-free seq, durable append before the ack, and fan-out to the members' user grains.
/// </summary>
[GrainType("conversation")]
public interface IConversationGrain : IGrainWithStringKey
{
    Task<ConversationView> OpenDirect(string userId, string peerUserId);
    Task<ConversationView> CreateGroup(string ownerId, string title, IReadOnlyList<string> memberIds);
    Task<ConversationView> AddMembers(string actorId, IReadOnlyList<string> userIds);
    Task<ConversationView> RemoveMember(string actorId, string userId);
    Task<ConversationView> Leave(string userId);
    Task<ConversationView> SetRole(string actorId, string userId, string role);
    Task<ConversationView> SetMuted(string actorId, string userId, bool muted);
    /// <summary>
    /// Appends a message and returns once it is durable. Interleaves with other requests so concurrent sends are
    /// coalesced into one append; a non-interleaving turn would hold the activation until its own write finished.
    /// </summary>
    [AlwaysInterleave] Task<SendResult> Send(string senderId, SendCommand command);
    [ReadOnly] Task<IReadOnlyList<Message>> History(string userId, long beforeSeq, int limit);
    [ReadOnly] Task<MessagePage> Since(string userId, long afterSeq, int limit);
    [ReadOnly] Task<ConversationView> GetView(string userId);
    [ReadOnly] Task<long> CountFromOthers(string userId, long afterSeq);
    /// <summary>Messages from others with afterSeq &lt; seq &lt;= upToSeq: what a user grain recounts without racing its own deliveries.</summary>
    [ReadOnly] Task<long> CountFromOthersBetween(string userId, long afterSeq, long upToSeq);
    Task Recall(string userId, long seq);
    Task Typing(string userId);
}

/// <summary>Derives conversation ids so both sides of a direct chat meet in one grain.</summary>
public static class ConversationIds
{
    public static string Direct(string userA, string userB) =>
        string.CompareOrdinal(userA, userB) <= 0 ? $"d:{userA}:{userB}" : $"d:{userB}:{userA}";

    public static string NewGroup() => $"g:{Guid.NewGuid():N}";
}
