namespace Im.Orleans.Grains.Users;

/// <summary>
/// Read cursors, unread counts (messages from others after the read cursor), the conversation list and the events
/// other grains relay to the user's devices.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    public async Task<MarkReadResult> MarkRead(string conversationId, long seq)
    {
        var summary = Summary(conversationId) ?? await LearnAsync(conversationId, joinedBefore: null)
            ?? throw ChatException.Forbidden($"{UserId} is not a member of {conversationId}.");
        if (seq > summary.LastSeq)
        {
            // The client may know of messages whose delivery has not reached this grain yet; the conversation knows the end.
            var view = await Conversation(conversationId).GetView(UserId);
            summary.LastSeq = Math.Max(summary.LastSeq, view.LastSeq);
        }
        var target = Math.Min(seq, summary.LastSeq);
        if (target <= summary.ReadSeq) return Result(summary);

        var unreadBefore = summary.Unread;
        summary.ReadSeq = target;
        // Count only up to what this grain has counted: later messages are counted when their delivery arrives.
        summary.Unread = target >= summary.CountedSeq ? 0 : await CountBetweenAsync(conversationId, target, summary.CountedSeq);
        await SaveAsync();

        if (summary.Unread != unreadBefore) PushUnread(summary);
        var read = new ReadEvent(conversationId, UserId, target);
        await TellConversationReadAsync(conversationId, target);
        foreach (var member in summary.Members.Where(m => m.UserId != UserId)) _ = User(member.UserId).PushRead(read);
        return Result(summary);
    }

    public async Task ConversationChanged(ConversationView view, bool removed)
    {
        if (removed)
        {
            if (State.Conversations.Remove(view.ConversationId)) await SaveAsync();
            Push(ClientEventNames.Conversation, view);
            return;
        }

        var summary = Summary(view.ConversationId);
        if (summary is null)
        {
            // A new member starts read up to where the conversation is: earlier history is not unread.
            summary = new ConversationSummary { ConversationId = view.ConversationId, ReadSeq = view.LastSeq, CountedSeq = view.LastSeq };
            State.Conversations[view.ConversationId] = summary;
        }
        summary.Apply(view);
        await SaveAsync();
        var mine = summary.ToView();
        Push(ClientEventNames.Conversation, mine);
    }

    public Task<IReadOnlyList<ConversationView>> ListConversations() => Task.FromResult<IReadOnlyList<ConversationView>>(
        [.. State.Conversations.Values.OrderByDescending(c => c.LastMessage?.SentAt ?? DateTimeOffset.MinValue).ThenBy(c => c.ConversationId, StringComparer.Ordinal).Select(c => c.ToView())]);

    public Task PushTyping(TypingEvent typing)
    {
        Push(ClientEventNames.Typing, typing);
        return Task.CompletedTask;
    }

    public Task PushRead(ReadEvent read)
    {
        Push(ClientEventNames.Read, read);
        return Task.CompletedTask;
    }

    public async Task PushRecalled(RecalledEvent recalled)
    {
        var changed = false;
        if (Summary(recalled.ConversationId) is { LastMessage: { } last } summary && last.Seq == recalled.Seq)
        {
            summary.LastMessage = last with { Recalled = true };
            changed = true;
        }
        for (var i = 0; i < State.Offline.Count; i++)
        {
            var entry = State.Offline[i];
            if (entry.Message.ConversationId != recalled.ConversationId || entry.Message.Seq != recalled.Seq) continue;
            State.Offline[i] = entry with { Message = entry.Message with { Recalled = true } };
            changed = true;
        }
        if (changed) await SaveAsync();
        Push(ClientEventNames.Recalled, recalled);
    }

    private ConversationSummary? Summary(string conversationId) => State.Conversations.GetValueOrDefault(conversationId);

    /// <summary>
    /// Learns a conversation this grain has no summary of (its change notice was lost, or state lagged); null when the
    /// user is not a member. With joinedBefore, the user starts read up to just before that seq.
    /// </summary>
    private async Task<ConversationSummary?> LearnAsync(string conversationId, long? joinedBefore)
    {
        ConversationView view;
        try
        {
            view = await Conversation(conversationId).GetView(UserId);
        }
        catch (ChatException)
        {
            return null;
        }
        var start = joinedBefore is { } seq ? seq - 1 : 0;
        var summary = new ConversationSummary { ConversationId = conversationId, ReadSeq = start, CountedSeq = start };
        summary.Apply(view);
        summary.LastSeq = Math.Max(start, summary.LastSeq);
        if (joinedBefore is null && view.LastSeq > 0)
        {
            summary.CountedSeq = view.LastSeq;
            summary.Unread = await CountBetweenAsync(conversationId, 0, view.LastSeq);
        }
        State.Conversations[conversationId] = summary;
        return summary;
    }

    private async Task<long> CountBetweenAsync(string conversationId, long afterSeq, long upToSeq)
    {
        try
        {
            return await Conversation(conversationId).CountFromOthersBetween(UserId, afterSeq, upToSeq);
        }
        catch (ChatException)
        {
            // No longer a member: nothing there is unread for this user any more.
            return 0;
        }
    }

    private long TotalUnread => State.Conversations.Values.Sum(c => c.Unread);

    private MarkReadResult Result(ConversationSummary summary) => new(summary.ConversationId, summary.Unread, TotalUnread);

    private void PushUnread(ConversationSummary summary)
    {
        var unread = new UnreadEvent(summary.ConversationId, summary.Unread, TotalUnread);
        Push(ClientEventNames.Unread, unread);
    }
}
