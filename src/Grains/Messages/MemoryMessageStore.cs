namespace Im.Orleans.Grains.Messages;

/// <summary>
/// An in-process message log with the same contract as the database stores, for grain unit tests and demos.
/// Counts appends so tests can see batching; every call yields first, as real I/O would.
/// </summary>
public sealed partial class MemoryMessageStore : IMessageStore
{
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private readonly Dictionary<string, Log> _logs = new(StringComparer.Ordinal);
    private int _appendCalls;

    /// <summary>How many AppendAsync calls ran (each is one transaction in a database store).</summary>
    public int AppendCalls => Volatile.Read(ref _appendCalls);

    /// <summary>When set, the next AppendAsync throws it (after yielding) and stores nothing.</summary>
    public Exception? FailNextAppend { get; set; }

    /// <summary>Every stored message of a conversation, ascending.</summary>
    public IReadOnlyList<Message> All(string conversationId)
    {
        lock (_logs) return _logs.TryGetValue(conversationId, out var log) ? [.. log.BySeq.Values] : [];
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _appendCalls);
        lock (_logs)
        {
            if (FailNextAppend is { } failure)
            {
                FailNextAppend = null;
                throw failure;
            }

            var log = LogOf(conversationId);
            var outcomes = new List<AppendOutcome>(messages.Count);
            var inserted = new List<Message>();
            var skipped = 0;
            foreach (var given in messages)
            {
                if (log.ByClientId.TryGetValue(given.ClientMsgId, out var existing))
                {
                    outcomes.Add(new AppendOutcome(log.BySeq[existing], true));
                    skipped++;
                    continue;
                }
                // The rows after a duplicate move up into its seq, so the batch leaves no hole.
                var message = skipped == 0 ? given : given with { Seq = given.Seq - skipped };
                if (log.BySeq.ContainsKey(message.Seq))
                {
                    // Undo this transaction's rows, as a database rollback would.
                    foreach (var row in inserted)
                    {
                        log.BySeq.Remove(row.Seq);
                        log.ByClientId.Remove(row.ClientMsgId);
                    }
                    throw new InvalidOperationException($"Seq {message.Seq} of {conversationId} is already stored.");
                }
                log.BySeq.Add(message.Seq, message);
                log.ByClientId.Add(message.ClientMsgId, message.Seq);
                inserted.Add(message);
                outcomes.Add(new AppendOutcome(message, false));
            }
            return outcomes;
        }
    }

    public async Task<IReadOnlyList<Message>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs) return [.. LogOf(conversationId).BySeq.Values.Where(m => m.Seq > afterSeq).Take(limit)];
    }

    public async Task<IReadOnlyList<Message>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs) return [.. LogOf(conversationId).BySeq.Values.Where(m => m.Seq < beforeSeq).TakeLast(limit)];
    }

    public async Task<Message?> FindByClientMsgIdAsync(string conversationId, string clientMsgId, CancellationToken cancellationToken = default) =>
        (await FindByClientMsgIdsAsync(conversationId, [clientMsgId], cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<Message>> FindByClientMsgIdsAsync(string conversationId, IReadOnlyCollection<string> clientMsgIds, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs)
        {
            var log = LogOf(conversationId);
            return [.. clientMsgIds.Distinct().Where(log.ByClientId.ContainsKey).Select(id => log.BySeq[log.ByClientId[id]]).OrderBy(m => m.Seq)];
        }
    }

    public async Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs)
        {
            var log = LogOf(conversationId);
            return log.BySeq.Count == 0 ? 0 : log.BySeq.Keys[^1];
        }
    }

    public async Task<bool> MarkRecalledAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs)
        {
            var log = LogOf(conversationId);
            if (!log.BySeq.TryGetValue(seq, out var message)) return false;
            log.BySeq[seq] = message with { Recalled = true };
            return true;
        }
    }

    public async Task<long> CountFromOthersAsync(string conversationId, string userId, long afterSeq, long upToSeq = long.MaxValue, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_logs) return LogOf(conversationId).BySeq.Values.LongCount(m => m.Seq > afterSeq && m.Seq <= upToSeq && m.SenderId != userId && m.Kind != MessageKinds.System);
    }

    private Log LogOf(string conversationId)
    {
        if (!_logs.TryGetValue(conversationId, out var log)) _logs[conversationId] = log = new Log();
        return log;
    }

    private sealed class Log
    {
        public SortedList<long, Message> BySeq { get; } = [];
        public Dictionary<string, long> ByClientId { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, SortedSet<long>> Hidden { get; } = new(StringComparer.Ordinal);
    }
}
