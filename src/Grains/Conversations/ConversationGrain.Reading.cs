namespace Im.Orleans.Grains.Conversations;

/// <summary>History, sync pages, unread counting, recall and typing: members only, served from memory when it can.</summary>
internal sealed partial class ConversationGrain : Grain
{
    public async Task<IReadOnlyList<Message>> History(string userId, long beforeSeq, int limit)
    {
        RequireMember(userId);
        limit = PageSize(limit);
        // beforeSeq <= 0 asks for the newest page.
        var before = beforeSeq <= 0 || beforeSeq > _lastSeq ? _lastSeq + 1 : beforeSeq;
        var firstWanted = Math.Max(1, before - limit);
        if (before <= 1) return [];
        var page = _recent.CoversAfter(firstWanted - 1)
            ? _recent.Before(before, limit)
            : await _store.ReadBeforeAsync(Id, before, limit);
        return await ForViewerAsync(userId, page);
    }

    public async Task<MessagePage> Since(string userId, long afterSeq, int limit)
    {
        RequireMember(userId);
        limit = PageSize(limit);
        var after = Math.Max(0, afterSeq);
        if (after >= _lastSeq) return new MessagePage([], false);
        if (_recent.CoversAfter(after))
        {
            var page = _recent.After(after, limit);
            return new MessagePage(await ForViewerAsync(userId, page), page.Count > 0 && page[^1].Seq < _lastSeq);
        }
        var read = await _store.ReadAfterAsync(Id, after, limit + 1);
        // Only what is committed and known here counts: rows of an append in flight are not acknowledged yet.
        var known = read.Where(m => m.Seq <= _lastSeq).ToList();
        var hasMore = known.Count > limit || (known.Count > 0 && known[^1].Seq < _lastSeq);
        return new MessagePage(await ForViewerAsync(userId, [.. known.Take(limit)]), hasMore);
    }

    public Task<long> CountFromOthers(string userId, long afterSeq) => CountFromOthersBetween(userId, afterSeq, _lastSeq);

    public async Task<long> CountFromOthersBetween(string userId, long afterSeq, long upToSeq)
    {
        RequireMember(userId);
        var upTo = Math.Min(upToSeq, _lastSeq);
        var after = Math.Max(0, afterSeq);
        if (after >= upTo) return 0;
        return _recent.CoversAfter(after)
            ? _recent.CountFromOthers(userId, after, upTo)
            : await _store.CountFromOthersAsync(Id, userId, after, upTo);
    }

    public async Task Recall(string userId, long seq)
    {
        RequireMember(userId);
        var message = await FindMessageAsync(seq);
        if (message.SenderId != userId) throw ChatException.Forbidden("Only the sender may recall a message.");
        if (message.Kind == MessageKinds.System) throw ChatException.Forbidden("A system message cannot be recalled.");
        if (message.Recalled) return;
        if (_time.GetUtcNow() - message.SentAt > _options.RecallWindow)
            throw ChatException.Forbidden($"Messages can be recalled only within {_options.RecallWindow.TotalMinutes:0.#} minutes.");

        await _store.MarkRecalledAsync(Id, seq);
        // Re-read the cache: a flush may have run while the store was busy.
        var recalled = (_recent.Find(seq) ?? message) with { Recalled = true };
        Cache(recalled);
        _clientIds.Remember(recalled);
        var recalledEvent = new RecalledEvent(Id, seq, message.MessageId);
        foreach (var member in MemberIds.ToList()) _ = User(member).PushRecalled(recalledEvent);
    }

    // When each member's typing last went out; members only, so bounded by the group's size.
    private readonly Dictionary<string, long> _lastTyping = new(StringComparer.Ordinal);

    public Task Typing(string userId)
    {
        RequireMember(userId);
        var now = _time.GetTimestamp();
        if (_lastTyping.TryGetValue(userId, out var last) && _time.GetElapsedTime(last, now) < _options.TypingInterval) return Task.CompletedTask;
        _lastTyping[userId] = now;
        var typing = new TypingEvent(Id, userId);
        foreach (var member in MemberIds.Where(m => m != userId).ToList()) _ = User(member).PushTyping(typing);
        return Task.CompletedTask;
    }

    private int PageSize(int limit) => Math.Clamp(limit <= 0 ? _options.MaxPageSize : limit, 1, _options.MaxPageSize);

    /// <summary>A stored message by seq, from the recent cache or the log; not_found when there is none.</summary>
    private async Task<Message> FindMessageAsync(long seq) =>
        _recent.Find(seq) ?? (seq >= 1 && seq <= _lastSeq ? (await _store.ReadAfterAsync(Id, seq - 1, 1)).FirstOrDefault(m => m.Seq == seq) : null)
        ?? throw ChatException.NotFound($"Message {seq} of {Id} does not exist.");
}
