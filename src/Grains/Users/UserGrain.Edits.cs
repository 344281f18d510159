using Microsoft.Extensions.Logging;
using Im.Orleans.Grains.Conversations;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// Message changes relayed to the user's devices (edits, reactions, own deletions), applied first to what this grain
/// keeps of those messages (the list's last message, the offline queue), so a later hand-over shows them too.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    public async Task PushEdited(Message message)
    {
        if (ChangeKept(message.ConversationId, [message.Seq], m => m with { Text = message.Text, EditedAt = message.EditedAt })) await SaveAsync();
        Push(ClientEventNames.Edited, message);
    }

    public async Task PushReaction(ReactionEvent reaction)
    {
        var reactions = reaction.Reactions.Count == 0 ? null : reaction.Reactions;
        if (ChangeKept(reaction.ConversationId, [reaction.Seq], m => m with { Reactions = reactions })) await SaveAsync();
        Push(ClientEventNames.Reaction, reaction);
    }

    public async Task PushDeleted(DeletedEvent deleted)
    {
        if (ChangeKept(deleted.ConversationId, [.. deleted.Seqs], ConversationGrain.AsDeleted)) await SaveAsync();
        Push(ClientEventNames.Deleted, deleted);
    }

    public Task<long> GetReadSeq(string conversationId) => Task.FromResult(Summary(conversationId)?.ReadSeq ?? 0);

    /// <summary>The conversation keeps members' read seqs for GetReads; the read is already saved here, so a failure only leaves that copy behind until the conversation reloads it.</summary>
    private async Task TellConversationReadAsync(string conversationId, long seq)
    {
        try
        {
            await Conversation(conversationId).ReadUpTo(UserId, seq);
        }
        catch (Exception error) when (error is ChatException or TimeoutException or OrleansException)
        {
            _logger.LogDebug(error, "User {User}: the read position of {Conversation} did not reach the conversation", UserId, conversationId);
        }
    }

    /// <summary>Changes the kept copies of these messages; true when something changed and needs saving.</summary>
    private bool ChangeKept(string conversationId, IReadOnlyCollection<long> seqs, Func<Message, Message> change)
    {
        var changed = false;
        if (Summary(conversationId) is { LastMessage: { } last } summary && seqs.Contains(last.Seq))
        {
            summary.LastMessage = change(last);
            changed = true;
        }
        for (var i = 0; i < State.Offline.Count; i++)
        {
            var entry = State.Offline[i];
            if (entry.Message.ConversationId != conversationId || !seqs.Contains(entry.Message.Seq)) continue;
            State.Offline[i] = entry with { Message = change(entry.Message) };
            changed = true;
        }
        return changed;
    }
}
