using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Edits, delete-for-me, reactions, group renames and members' read positions.</summary>
public partial interface IConversationGrain
{
    /// <summary>The sender replaces a text message's text within the edit window; every member gets "edited".</summary>
    [Alias("Edit")] Task<Message> Edit(string userId, long seq, string text);
    /// <summary>Hides messages for this user only; the user's devices get "deleted" and later reads mark them deleted.</summary>
    [Alias("DeleteForMe")] Task DeleteForMe(string userId, IReadOnlyList<long> seqs);
    /// <summary>Adds (on) or removes the user's reaction with one emoji (idempotent); every member gets "reaction".</summary>
    [Alias("React")] Task<ReactionEvent> React(string userId, long seq, string emoji, bool on);
    /// <summary>An owner or admin renames a group; members get the new view and a system message "renamed".</summary>
    [Alias("RenameGroup")] Task<ConversationView> RenameGroup(string actorId, string title);
    /// <summary>The other members' read positions (seq &gt; 0). Interleaves: it asks user grains, which may be calling here.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("GetReads")] Task<IReadOnlyList<ReadPosition>> GetReads(string userId);
    /// <summary>
    /// A member's user grain reports the member read up to seq, so GetReads stays current without asking. Awaited by
    /// MarkRead, so a read the caller saw acknowledged is in GetReads; interleaves, as it only sets a number.
    /// </summary>
    [AlwaysInterleave] [Alias("ReadUpTo")] Task ReadUpTo(string userId, long seq);
}
