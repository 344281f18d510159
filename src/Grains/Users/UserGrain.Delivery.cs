using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// Deliveries from conversations, applied in seq order per conversation. A delivery may time out or be lost with a
/// silo, so one that arrives ahead of a missing seq waits; if the gap is still open after <c>DeliveryGapWait</c> the
/// missing messages are read from the log. A seq at or below CountedSeq (the highest applied) is a retry and changes
/// nothing, so counts never drift. The conversation pushes most messages to the gateways itself; this grain pushes
/// them only to the connections it did not reach (new ones, or all of them for messages read from the log).
/// </summary>
internal sealed partial class UserGrain : Grain
{
    private readonly Dictionary<string, SortedDictionary<long, Arrival>> _ahead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IGrainTimer> _gapTimers = new(StringComparer.Ordinal);

    public async Task<GatewayRoute[]> Deliver(Message[] messages, string[] pushedTo)
    {
        if (messages is not { Length: > 0 }) return Routes();
        var conversationId = messages[0].ConversationId;
        var summary = Summary(conversationId) ?? await LearnAsync(conversationId, joinedBefore: messages.Min(m => m.Seq));
        if (summary is null) return [];
        if (!_ahead.TryGetValue(conversationId, out var ahead)) _ahead[conversationId] = ahead = [];
        foreach (var message in messages.Where(m => m.ConversationId == conversationId && m.Seq > summary.CountedSeq))
            ahead[message.Seq] = new Arrival(message, pushedTo ?? []);
        await ApplyInOrderAsync(summary);
        return Routes();
    }

    /// <summary>Where this user's live connections are, a route per gateway.</summary>
    private GatewayRoute[] Routes() =>
        [.. _connections.Values.GroupBy(c => c.GatewayId).Select(g => new GatewayRoute(g.Key, g.First().Gateway, [.. g.Select(c => c.ConnectionId)]))];

    /// <summary>Applies every waiting delivery that continues the conversation's counted run; arms the gap timer for the rest.</summary>
    private async Task ApplyInOrderAsync(ConversationSummary summary)
    {
        var id = summary.ConversationId;
        if (!_ahead.TryGetValue(id, out var ahead)) return;
        var unreadBefore = summary.Unread;
        var live = _connections.Count > 0;
        var applied = new List<Arrival>();
        while (ahead.Remove(summary.CountedSeq + 1, out var next))
        {
            Apply(summary, next.Message, live);
            applied.Add(next);
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
        if (applied.Count == 0) return;
        if (live) await PushUnreachedAsync(applied);
        if (summary.Unread != unreadBefore) PushUnread(summary);
        // While connected the save waits for the next sweep tick or deactivation. Losing it in a crash is safe:
        // CountedSeq lags too, so the next delivery opens a gap that the log fills. The offline queue is never deferred.
        if (live) _dirty = true;
        else await SaveAsync();
    }

    private void Apply(ConversationSummary summary, Message message, bool live)
    {
        summary.CountedSeq = message.Seq;
        // System messages (joins, renames...) are part of the log but never unread.
        if (message.SenderId != UserId && message.Kind != MessageKinds.System && message.Seq > summary.ReadSeq) summary.Unread++;
        if (message.Seq >= summary.LastSeq)
        {
            summary.LastSeq = message.Seq;
            summary.LastMessage = message;
        }
        if (!live) EnqueueOffline(message);
    }

    /// <summary>
    /// Pushes the applied messages to the live connections the conversation did not push them to, and waits until each
    /// gateway has them: the conversation learns this grain's routes from the answer and pushes the next messages to
    /// those connections itself, and those must not overtake these.
    /// </summary>
    private async Task PushUnreachedAsync(List<Arrival> applied)
    {
        var pushes = new Dictionary<string, (IClientObserver Gateway, List<ClientPush> Events)>(StringComparer.Ordinal);
        foreach (var arrival in applied)
        {
            foreach (var group in _connections.Values.Where(c => !arrival.PushedTo.Contains(c.ConnectionId)).GroupBy(c => c.GatewayId))
            {
                if (!pushes.TryGetValue(group.Key, out var target)) pushes[group.Key] = target = (group.First().Gateway, []);
                target.Events.Add(new ClientPush([.. group.Select(c => c.ConnectionId)], ClientEventNames.Message, arrival.Message));
            }
        }
        await Task.WhenAll(pushes.Values.Select(async target =>
        {
            try
            {
                await target.Gateway.Push([.. target.Events]);
            }
            catch (Exception e)
            {
                // The client recovers what it missed with Sync; its gateway also stops heartbeating if it is gone.
                _logger.LogDebug(e, "User {User}: a push of {Count} messages to a gateway failed", UserId, target.Events.Count);
            }
        }));
    }

    /// <summary>A message waiting to be applied, with the connections its conversation already pushed it to.</summary>
    private readonly record struct Arrival(Message Message, string[] PushedTo);

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
                // Their delivery was lost; their pushes may not have been, but this grain cannot tell which connections
                // got them, so every live connection gets them from here (twice rather than never, and only after a failure).
                foreach (var message in page.Messages.Where(m => m.Seq > summary.CountedSeq)) ahead.TryAdd(message.Seq, new Arrival(message, []));
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
