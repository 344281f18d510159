namespace Im.Orleans.Grains.Users;

/// <summary>
/// Deliveries, read cursors and unread counts. Unread = messages from others after the read cursor. Deliveries are
/// at-least-once and in seq order per conversation: a seq at or below CountedSeq is a retry and changes nothing; a
/// jump past CountedSeq + 1 (a lost delivery) is recounted from the log, so counts never drift.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    public async Task Deliver(Message message)
    {
        var summary = Summary(message.ConversationId) ?? await LearnAsync(message.ConversationId, joinedBefore: message.Seq);
        if (summary is null || message.Seq <= summary.CountedSeq) return;

        var unreadBefore = summary.Unread;
        if (message.Seq > summary.CountedSeq + 1)
        {
            var from = Math.Max(summary.ReadSeq, summary.CountedSeq);
            if (message.Seq - 1 > from) summary.Unread += await CountBetweenAsync(summary.ConversationId, from, message.Seq - 1);
        }
        summary.CountedSeq = message.Seq;
        if (message.SenderId != UserId && message.Seq > summary.ReadSeq) summary.Unread++;
        if (message.Seq >= summary.LastSeq)
        {
            summary.LastSeq = message.Seq;
            summary.LastMessage = message;
        }

        var live = _connections.Count > 0;
        if (live) Push((gateway, ids) => gateway.OnMessage(ids, message));
        else EnqueueOffline(message);
        if (summary.Unread != unreadBefore) PushUnread(summary);
        // While connected the save waits for the next sweep tick or deactivation. Losing it in a crash is safe:
        // CountedSeq lags too, so the next delivery recounts the gap from the log. The offline queue is never deferred.
        if (live) _dirty = true;
        else await SaveAsync();
    }

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
        foreach (var member in summary.Members.Where(m => m.UserId != UserId)) _ = User(member.UserId).PushRead(read);
        return Result(summary);
    }

    public async Task ConversationChanged(ConversationView view, bool removed)
    {
        if (removed)
        {
            if (State.Conversations.Remove(view.ConversationId)) await SaveAsync();
            Push((gateway, ids) => gateway.OnConversation(ids, view));
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
        Push((gateway, ids) => gateway.OnConversation(ids, mine));
    }

    public Task<IReadOnlyList<ConversationView>> ListConversations() => Task.FromResult<IReadOnlyList<ConversationView>>(
        [.. State.Conversations.Values.OrderByDescending(c => c.LastMessage?.SentAt ?? DateTimeOffset.MinValue).ThenBy(c => c.ConversationId, StringComparer.Ordinal).Select(c => c.ToView())]);

    public Task PushTyping(TypingEvent typing)
    {
        Push((gateway, ids) => gateway.OnTyping(ids, typing));
        return Task.CompletedTask;
    }

    public Task PushRead(ReadEvent read)
    {
        Push((gateway, ids) => gateway.OnRead(ids, read));
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
        Push((gateway, ids) => gateway.OnRecalled(ids, recalled));
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
        Push((gateway, ids) => gateway.OnUnread(ids, unread));
    }
}
