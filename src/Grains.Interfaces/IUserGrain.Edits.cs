using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>The message changes a conversation relays to its members, and the read position it asks for.</summary>
public partial interface IUserGrain
{
    [OneWay] [Alias("PushEdited")] Task PushEdited(Message message);
    [OneWay] [Alias("PushReaction")] Task PushReaction(ReactionEvent reaction);
    /// <summary>The user hid messages for themselves: their devices get "deleted", their offline queue and list forget the content.</summary>
    [OneWay] [Alias("PushDeleted")] Task PushDeleted(DeletedEvent deleted);
    /// <summary>How far this user read a conversation (0 if unknown). Interleaves: the conversation asks while this grain may be calling it.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("GetReadSeq")] Task<long> GetReadSeq(string conversationId);
}
