namespace Im.Orleans.Grains.Messages;

/// <summary>
/// The message log: rows keyed by (conversation id, seq), unique on (conversation id, client message id), paged by
/// seq. Messages live here, not in grain state, because they grow without bound.
/// </summary>
public partial interface IMessageStore
{
    /// <summary>Creates the schema if missing; run at silo start so the first send does not pay for it.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the messages of one conversation in one transaction. A message whose clientMsgId is already stored is
    /// not inserted; its outcome carries the stored message with Duplicate set, so retries stay idempotent. Each row
    /// after it moves down by one seq per duplicate before it, so a batch of consecutive seqs leaves no hole; each
    /// outcome carries the seq its row got. A seq that is already taken (another activation wrote it) throws.
    /// </summary>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken = default);

    /// <summary>Messages with seq &gt; afterSeq, ascending, at most limit.</summary>
    Task<IReadOnlyList<Message>> ReadAfterAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last messages with seq &lt; beforeSeq, at most limit, returned ascending.</summary>
    Task<IReadOnlyList<Message>> ReadBeforeAsync(string conversationId, long beforeSeq, int limit, CancellationToken cancellationToken = default);

    Task<Message?> FindByClientMsgIdAsync(string conversationId, string clientMsgId, CancellationToken cancellationToken = default);

    /// <summary>The stored messages among the given clientMsgIds (one round trip for a whole batch).</summary>
    Task<IReadOnlyList<Message>> FindByClientMsgIdsAsync(string conversationId, IReadOnlyCollection<string> clientMsgIds, CancellationToken cancellationToken = default);

    /// <summary>The highest stored seq, or 0; activations continue from it so seq stays gap-free after a crash.</summary>
    Task<long> GetLastSeqAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Marks a message recalled; false when no such message exists.</summary>
    Task<bool> MarkRecalledAsync(string conversationId, long seq, CancellationToken cancellationToken = default);

    /// <summary>How many messages with afterSeq &lt; seq &lt;= upToSeq were sent by someone other than userId.</summary>
    Task<long> CountFromOthersAsync(string conversationId, string userId, long afterSeq, long upToSeq = long.MaxValue, CancellationToken cancellationToken = default);
}
