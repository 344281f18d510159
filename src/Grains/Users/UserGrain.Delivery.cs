using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// Deliveries from conversations, applied in seq order per conversation. Orleans keeps neither the order of one-way
/// calls nor every one of them when a silo dies, so a delivery that arrives ahead of a missing seq waits; if the gap is
/// still open after <c>DeliveryGapWait</c> the missing messages are read from the log. A seq at or below CountedSeq
/// (the highest applied) is a retry and changes nothing, so counts never drift.
/// </summary>
internal sealed partial class UserGrain : Grain
{
    private readonly Dictionary<string, SortedDictionary<long, Message>> _ahead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IGrainTimer> _gapTimers = new(StringComparer.Ordinal);

    public async Task Deliver(Message[] messages)
    {
        if (messages is not { Length: > 0 }) return;
        var conversationId = messages[0].ConversationId;
        var summary = Summary(conversationId) ?? await LearnAsync(conversationId, joinedBefore: messages.Min(m => m.Seq));
        if (summary is null) return;
        if (!_ahead.TryGetValue(conversationId, out var ahead)) _ahead[conversationId] = ahead = [];
        foreach (var message in messages.Where(m => m.ConversationId == conversationId && m.Seq > summary.CountedSeq)) ahead[message.Seq] = message;
        await ApplyInOrderAsync(summary);
    }

    /// <summary>Applies every waiting delivery that continues the conversation's counted run; arms the gap timer for the rest.</summary>
    private async Task ApplyInOrderAsync(ConversationSummary summary)
    {
        var id = summary.ConversationId;
        if (!_ahead.TryGetValue(id, out var ahead)) return;
        var unreadBefore = summary.Unread;
        var live = _connections.Count > 0;
        var applied = 0;
        while (ahead.Remove(summary.CountedSeq + 1, out var next))
        {
            Apply(summary, next, live);
            applied++;
        }
        foreach (var stale in ahead.Keys.Where(seq => seq <= summary.CountedSeq).ToList()) ahead.Remove(stale);
        if (ahead.Count == 0)
        {
            _ahead.Remove(id);
            if (_gapTimers.Remove(id, out var timer)) timer.Dispose();
        }
        else if (!_gapTimers.ContainsKey(id))
        {
            _gapTimers[id] = this.RegisterGrainTimer(_ => FillGapAsync(id), new GrainTimerCreationOptions(_options.DeliveryGapWait, Timeout.InfiniteTimeSpan));
        }
        if (applied == 0) return;
        if (summary.Unread != unreadBefore) PushUnread(summary);
        // While connected the save waits for the next sweep tick or deactivation. Losing it in a crash is safe:
        // CountedSeq lags too, so the next delivery opens a gap that the log fills. The offline queue is never deferred.
        if (live) _dirty = true;
        else await SaveAsync();
    }

    private void Apply(ConversationSummary summary, Message message, bool live)
    {
        summary.CountedSeq = message.Seq;
        if (message.SenderId != UserId && message.Seq > summary.ReadSeq) summary.Unread++;
        if (message.Seq >= summary.LastSeq)
        {
            summary.LastSeq = message.Seq;
            summary.LastMessage = message;
        }
        if (live) Push(ClientEventNames.Message, message);
        else EnqueueOffline(message);
    }

    /// <summary>The gap stayed open: a delivery was lost, not late. Reads what is missing from the log and applies it.</summary>
    private async Task FillGapAsync(string conversationId)
    {
        if (_gapTimers.Remove(conversationId, out var timer)) timer.Dispose();
        if (Summary(conversationId) is not { } summary)
        {
            // The user left the conversation meanwhile.
            _ahead.Remove(conversationId);
            return;
        }
        if (!_ahead.TryGetValue(conversationId, out var ahead) || ahead.Count == 0) return;
        var firstAhead = ahead.Keys.First();
        var missing = firstAhead - 1 - summary.CountedSeq;
        try
        {
            if (missing > _options.MaxGapReplay)
            {
                // Too far behind to replay (this grain's state lagged a crash): count what was missed and let devices Sync.
                summary.Unread += await CountBetweenAsync(conversationId, Math.Max(summary.ReadSeq, summary.CountedSeq), firstAhead - 1);
                summary.CountedSeq = firstAhead - 1;
                if (_connections.Count == 0) State.OfflineOverflowed = true;
            }
            else
            {
                var page = await Conversation(conversationId).Since(UserId, summary.CountedSeq, (int)missing);
                foreach (var message in page.Messages.Where(m => m.Seq > summary.CountedSeq)) ahead.TryAdd(message.Seq, message);
            }
        }
        catch (ChatException)
        {
            // No longer a member: nothing more of this conversation is delivered here.
            _ahead.Remove(conversationId);
            return;
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "User {User}: filling a delivery gap in {Conversation} failed; the next delivery retries", UserId, conversationId);
        }
        await ApplyInOrderAsync(summary);
    }
}
