namespace Im.Orleans.Grains.Messages;

/// <summary>Edits, reactions and per-user hiding in the in-process log.</summary>
public sealed partial class MemoryMessageStore
{
    public Task<bool> EditAsync(string conversationId, long seq, string text, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        UpdateAsync(conversationId, seq, m => m with { Text = text, EditedAt = editedAt });

    public Task<bool> SetReactionsAsync(string conversationId, long seq, IReadOnlyDictionary<string, IReadOnlyList<string>>? reactions, CancellationToken cancellationToken = default) =>
        UpdateAsync(conversationId, seq, m => m with { Reactions = reactions is { Count: > 0 } ? reactions : null });

    public async Task HideAsync(string conversationId, string userId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs)
        {
            var hidden = LogOf(conversationId).Hidden;
            if (!hidden.TryGetValue(userId, out var set)) hidden[userId] = set = [];
            set.UnionWith(seqs);
        }
    }

    public async Task<IReadOnlyList<long>> HiddenAsync(string conversationId, string userId, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs) return LogOf(conversationId).Hidden.TryGetValue(userId, out var set) ? [.. set] : [];
    }

    private async Task<bool> UpdateAsync(string conversationId, long seq, Func<Message, Message> change)
    {
        await Task.Yield();
        lock (_logs)
        {
            var log = LogOf(conversationId);
            if (!log.BySeq.TryGetValue(seq, out var message)) return false;
            log.BySeq[seq] = change(message);
            return true;
        }
    }
}
