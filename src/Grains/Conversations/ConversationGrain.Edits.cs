namespace Im.Orleans.Grains.Conversations;

/// <summary>
/// Edits, reactions and delete-for-me. Edits and reactions change the stored row and the recent cache, then every
/// member is told; delete-for-me only records, per user, which seqs that user hid, and reads mask them for that user.
/// </summary>
internal sealed partial class ConversationGrain : Grain
{
    // Per member, the seqs they hid; loaded from the store on the member's first read, then kept current here.
    private readonly Dictionary<string, HashSet<long>> _hidden = new(StringComparer.Ordinal);

    public async Task<Message> Edit(string userId, long seq, string text)
    {
        RequireMember(userId);
        if (string.IsNullOrWhiteSpace(text)) throw ChatException.Invalid("text is required.");
        if (text.Length > _options.MaxTextLength) throw ChatException.Invalid($"Text is longer than {_options.MaxTextLength} characters.");
        var message = await FindMessageAsync(seq);
        if (message.SenderId != userId) throw ChatException.Forbidden("Only the sender may edit a message.");
        if (message.Kind != MessageKinds.Text) throw ChatException.Invalid("Only text messages can be edited.");
        if (message.Recalled) throw ChatException.Forbidden("A recalled message cannot be edited.");
        if (_options.EditWindow > TimeSpan.Zero && _time.GetUtcNow() - message.SentAt > _options.EditWindow)
            throw ChatException.Forbidden($"Messages can be edited only within {_options.EditWindow.TotalMinutes:0.#} minutes.");

        var editedAt = Now();
        if (!await _store.EditAsync(Id, seq, text, editedAt)) throw ChatException.NotFound($"Message {seq} of {Id} does not exist.");
        // Re-read the cache: a reaction may have changed the row while the store was busy.
        var edited = (_recent.Find(seq) ?? message) with { Text = text, EditedAt = editedAt };
        Cache(edited);
        foreach (var member in MembersShown(seq)) _ = User(member).PushEdited(edited);
        return edited;
    }

    public async Task DeleteForMe(string userId, IReadOnlyList<long> seqs)
    {
        RequireMember(userId);
        if (seqs is null || seqs.Count == 0 || seqs.Count > _options.MaxDeleteBatch)
            throw ChatException.Invalid($"seqs must name 1-{_options.MaxDeleteBatch} messages.");
        var wanted = seqs.Distinct().ToList();
        if (wanted.Any(seq => seq < 1 || seq > _lastSeq)) throw ChatException.NotFound($"Not every message of {string.Join(", ", wanted)} exists in {Id}.");

        var hidden = await HiddenAsync(userId);
        await _store.HideAsync(Id, userId, wanted);
        hidden.UnionWith(wanted);
        _ = User(userId).PushDeleted(new DeletedEvent(Id, [.. wanted.Order()]));
    }

    public async Task<ReactionEvent> React(string userId, long seq, string emoji, bool on)
    {
        RequireMember(userId);
        if (!AllowedReactions.Contains(emoji)) throw ChatException.Invalid($"emoji must be one of {_options.Reactions}.");
        var message = await FindMessageAsync(seq);
        if (message.Recalled) throw ChatException.Forbidden("A recalled message takes no reactions.");
        if (message.Kind == MessageKinds.System) throw ChatException.Forbidden("A system message takes no reactions.");

        var before = message.Reactions ?? new Dictionary<string, IReadOnlyList<string>>();
        var users = before.GetValueOrDefault(emoji) ?? [];
        if (users.Contains(userId) == on) return new ReactionEvent(Id, seq, before);

        // A new dictionary each time keeps the emoji in the order they were first used and the cached rows immutable.
        var after = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in before) after[key] = value;
        var changed = on ? [.. users, userId] : users.Where(u => u != userId).ToList();
        if (changed.Count == 0) after.Remove(emoji);
        else after[emoji] = changed;

        if (!await _store.SetReactionsAsync(Id, seq, after)) throw ChatException.NotFound($"Message {seq} of {Id} does not exist.");
        Cache((_recent.Find(seq) ?? message) with { Reactions = after.Count == 0 ? null : after });
        var reaction = new ReactionEvent(Id, seq, after);
        foreach (var member in MembersShown(seq)) _ = User(member).PushReaction(reaction);
        return reaction;
    }

    /// <summary>
    /// The members to tell about a change of a message: not those known to have deleted it for themselves (known once
    /// they read or deleted in this activation; their clients hide the seq anyway).
    /// </summary>
    private List<string> MembersShown(long seq) =>
        [.. MemberIds.Where(id => !(_hidden.TryGetValue(id, out var hidden) && hidden.Contains(seq)))];

    private HashSet<string> AllowedReactions => [.. _options.Reactions.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Puts a changed row into the caches that hold it.</summary>
    private void Cache(Message changed)
    {
        _recent.Replace(changed);
        if (_lastMessage?.Seq == changed.Seq) _lastMessage = changed;
    }

    private async Task<HashSet<long>> HiddenAsync(string userId)
    {
        if (_hidden.TryGetValue(userId, out var hidden)) return hidden;
        var stored = await _store.HiddenAsync(Id, userId);
        // Another call may have loaded it while the store was busy; keep the one already in use.
        if (_hidden.TryGetValue(userId, out hidden)) return hidden;
        _hidden[userId] = hidden = [.. stored];
        return hidden;
    }

    /// <summary>The messages as this user sees them: the ones they hid keep their seq but lose their content.</summary>
    private async Task<IReadOnlyList<Message>> ForViewerAsync(string userId, IReadOnlyList<Message> messages)
    {
        if (messages.Count == 0) return messages;
        var hidden = await HiddenAsync(userId);
        return hidden.Count == 0 || !messages.Any(m => hidden.Contains(m.Seq)) ? messages : [.. messages.Select(m => hidden.Contains(m.Seq) ? AsDeleted(m) : m)];
    }

    internal static Message AsDeleted(Message message) =>
        message with { Text = null, Attachment = null, Reactions = null, Deleted = true };
}
